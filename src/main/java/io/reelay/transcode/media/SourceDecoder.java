package io.reelay.transcode.media;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_flush_buffers;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_FLAG_BACKWARD;
import static org.bytedeco.ffmpeg.global.avformat.av_find_best_stream;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_seek_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_seek_file;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;

/**
 * Demuxes and decodes a source's video stream into reference-counted {@link AVFrame}s in the
 * decoder's own pixel format (libavformat/libavcodec directly). JavaCV's grabber would convert
 * every picture into its own buffer first, a copy of each decoded 1080p frame the encoders do not
 * need: they scale from the decoder's frame, or take it as it is.
 */
final class SourceDecoder implements AutoCloseable {
  private final String name;
  private final AVFormatContext fmt;
  private final int stream;
  private final AVRational timeBase;
  private final AVCodecContext codec;
  private final AVPacket packet = av_packet_alloc();
  private final AVFrame frame = av_frame_alloc();
  private boolean draining;
  private long lastUs = Long.MIN_VALUE;

  private SourceDecoder(String name, AVFormatContext fmt, int stream, AVCodecContext codec) {
    this.name = name;
    this.fmt = fmt;
    this.stream = stream;
    this.timeBase = fmt.streams(stream).time_base();
    this.codec = codec;
  }

  static SourceDecoder open(Path source) throws MediaException {
    String name = String.valueOf(source.getFileName());
    AVFormatContext fmt = new AVFormatContext(null);
    int rc = avformat_open_input(fmt, source.toString(), null, null);
    if (rc < 0) {
      throw new MediaException("cannot open " + name + ": " + MediaProbe.errorText(rc));
    }
    AVCodecContext codec = null;
    try {
      if ((rc = avformat_find_stream_info(fmt, (AVDictionary) null)) < 0) {
        throw new MediaException("cannot read " + name + ": " + MediaProbe.errorText(rc));
      }
      int stream = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, (AVCodec) null, 0);
      if (stream < 0) {
        throw new MediaException(name + " has no video stream");
      }
      for (int i = 0; i < fmt.nb_streams(); i++) {
        if (i != stream) {
          fmt.streams(i).discard(avcodec.AVDISCARD_ALL); // the demuxer skips their packets
        }
      }
      AVStream st = fmt.streams(stream);
      AVCodec decoder = avcodec_find_decoder(st.codecpar().codec_id());
      if (decoder == null || decoder.isNull()) {
        throw new MediaException(name + ": no decoder for its video codec");
      }
      codec = avcodec_alloc_context3(decoder);
      rc = avcodec_parameters_to_context(codec, st.codecpar());
      codec.thread_count(0); // one thread per core, as the ffmpeg CLI decodes
      codec.pkt_timebase(st.time_base());
      if (rc < 0 || (rc = avcodec_open2(codec, decoder, (AVDictionary) null)) < 0) {
        throw new MediaException(name + ": cannot open decoder (" + MediaProbe.errorText(rc) + ")");
      }
      return new SourceDecoder(name, fmt, stream, codec);
    } catch (MediaException | RuntimeException e) {
      if (codec != null) {
        avcodec_free_context(codec);
      }
      avformat_close_input(fmt);
      throw e;
    }
  }

  AVRational timeBase() {
    return timeBase;
  }

  /**
   * The next decoded picture, owned by this decoder and valid until the next call (take a reference
   * to keep it), or null at the end of the stream.
   */
  AVFrame next() throws MediaException {
    while (true) {
      int rc = avcodec_receive_frame(codec, frame);
      if (rc >= 0) {
        return frame;
      }
      if (rc == AVERROR_EOF()) {
        return null;
      }
      if (rc != AVERROR_EAGAIN()) {
        throw new MediaException("decoding " + name + " failed: " + MediaProbe.errorText(rc));
      }
      if (draining) {
        return null;
      }
      feed();
    }
  }

  /** Sends the next video packet to the decoder, or the end-of-stream flush. */
  private void feed() {
    while (true) {
      if (av_read_frame(fmt, packet) < 0) {
        draining = true;
        avcodec_send_packet(codec, null);
        return;
      }
      try {
        // A corrupt packet is skipped, as the ffmpeg CLI does; the decoder resyncs at the next.
        if (packet.stream_index() == stream && avcodec_send_packet(codec, packet) >= 0) {
          return;
        }
      } finally {
        av_packet_unref(packet);
      }
    }
  }

  /**
   * Presentation time of a decoded picture in microseconds of the stream's own clock (not shifted
   * by its start time); a picture without one follows the previous by a microsecond.
   */
  long timestampUs(AVFrame picture) {
    long pts = picture.best_effort_timestamp();
    lastUs =
        pts == AV_NOPTS_VALUE
            ? lastUs + 1
            : Math.round(pts * 1e6 * timeBase.num() / timeBase.den());
    return lastUs;
  }

  /**
   * Seeks to the last keyframe at or before {@code streamTs} (stream time base); false when the
   * demuxer cannot seek, in which case the position is unchanged.
   */
  boolean seekBackward(long streamTs) {
    if (av_seek_frame(fmt, stream, streamTs, AVSEEK_FLAG_BACKWARD) < 0) {
      return false;
    }
    avcodec_flush_buffers(codec);
    draining = false;
    lastUs = Long.MIN_VALUE;
    return true;
  }

  /** Back to the first frame of the stream; false when the demuxer cannot seek. */
  boolean rewind() {
    AVStream st = fmt.streams(stream);
    long start = st.start_time() == AV_NOPTS_VALUE ? 0 : st.start_time();
    if (avformat_seek_file(fmt, stream, Long.MIN_VALUE, start, start, 0) < 0) {
      return false;
    }
    avcodec_flush_buffers(codec);
    draining = false;
    lastUs = Long.MIN_VALUE;
    return true;
  }

  @Override
  public void close() {
    av_frame_free(frame);
    av_packet_free(packet);
    avcodec_free_context(codec);
    avformat_close_input(fmt);
  }
}
