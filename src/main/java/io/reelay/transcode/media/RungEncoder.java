package io.reelay.transcode.media;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_from_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avformat.AVFMT_GLOBALHEADER;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BICUBIC;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale_frame;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.DoublePointer;

/**
 * One rung of a chunk: libx264 into a fragmented MP4 file, on the FFmpeg API below JavaCV's
 * recorder. The recorder hands x264 a frame without a reference-counted buffer, which libavcodec
 * copies into a freshly allocated one on every frame (and JavaCV scales into its own buffer before
 * that). Here a rung at the decoded size takes the decoder's reference-counted frame as it is, and
 * a smaller rung scales into one frame allocated once and reused (x264 copies each picture into its
 * own lookahead, so the frame is writable again when {@code avcodec_send_frame} returns).
 */
final class RungEncoder implements AutoCloseable {
  private final String rung;
  private final AVFormatContext out;
  private final AVStream stream;
  private final AVCodecContext codec;
  private final AVPacket packet = av_packet_alloc();
  private AVFrame scaled; // allocated on the first picture that needs scaling, then reused
  private SwsContext scaler;
  private int scalerSource = -1; // width, height and format the scaler was made for, hashed

  private RungEncoder(String rung, AVFormatContext out, AVStream stream, AVCodecContext codec) {
    this.rung = rung;
    this.out = out;
    this.stream = stream;
    this.codec = codec;
  }

  /** Opens x264 with the rung's settings and writes the MP4 header to {@code file}. */
  static RungEncoder open(Ladder ladder, Ladder.Rung rung, ChunkPlan.Chunk chunk, Path file)
      throws MediaException {
    AVFormatContext out = new AVFormatContext(null);
    check(avformat_alloc_output_context2(out, null, "mp4", file.toString()), rung, "muxer");
    AVCodecContext codec = null;
    AVDictionary options = new AVDictionary(null);
    try {
      AVCodec x264 = avcodec_find_encoder_by_name("libx264");
      if (x264 == null || x264.isNull()) {
        throw new MediaException("libx264 is not available in this FFmpeg build");
      }
      AVStream stream = avformat_new_stream(out, null);
      codec = avcodec_alloc_context3(x264);
      Rational fps = chunk.frameRate();
      AVRational timeBase = new AVRational().num((int) fps.den()).den((int) fps.num());
      codec.width(rung.width()).height(rung.height()).pix_fmt(AV_PIX_FMT_YUV420P);
      codec
          .time_base(timeBase)
          .framerate(new AVRational().num((int) fps.num()).den((int) fps.den()));
      codec.gop_size(chunk.segmentFrames()).bit_rate(rung.bitrate());
      if ((out.oformat().flags() & AVFMT_GLOBALHEADER) != 0) {
        codec.flags(
            codec.flags() | AV_CODEC_FLAG_GLOBAL_HEADER); // avcC in the init, no in-band SPS
      }
      for (Map.Entry<String, String> e : x264Options(ladder, rung, chunk).entrySet()) {
        av_dict_set(options, e.getKey(), e.getValue(), 0);
      }
      check(avcodec_open2(codec, x264, options), rung, "libx264");
      av_dict_free(options);
      check(avcodec_parameters_from_context(stream.codecpar(), codec), rung, "stream parameters");
      stream.time_base(timeBase);
      stream.avg_frame_rate(codec.framerate());
      AVIOContext io = new AVIOContext(null);
      check(avio_open(io, file.toString(), AVIO_FLAG_WRITE), rung, "output file");
      out.pb(io);
      // empty_moov: the init does not depend on the chunk, so every chunk writes the same one;
      // negative CTS offsets: the first frame's presentation time is its tfdt, no edit list;
      // bitexact: no Lavf version string, so workers on other builds agree byte for byte.
      av_dict_set(
          options,
          "movflags",
          "frag_keyframe+empty_moov+default_base_moof+negative_cts_offsets+skip_trailer",
          0);
      av_dict_set(options, "fflags", "+bitexact", 0);
      check(avformat_write_header(out, options), rung, "MP4 header");
      av_dict_free(options);
      return new RungEncoder(rung.name(), out, stream, codec);
    } catch (MediaException | RuntimeException e) {
      av_dict_free(options);
      if (codec != null) {
        avcodec_free_context(codec);
      }
      closeOutput(out);
      throw e;
    }
  }

  /** The x264 settings of every VOD rung (libavcodec's option names, as the ffmpeg CLI's). */
  private static Map<String, String> x264Options(
      Ladder ladder, Ladder.Rung rung, ChunkPlan.Chunk chunk) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("preset", ladder.x264Preset());
    // Two frame threads per encoder: four rungs encode side by side, so eight frames in flight
    // keep the cores busy; x264's default (1.5 per core) adds frame-thread overhead and buffers.
    o.put("threads", "2");
    o.put("profile", rung.profile());
    o.put("maxrate", Integer.toString(rung.maxBitrate()));
    o.put("bufsize", Integer.toString(rung.bufferSize()));
    // An IDR at exactly every segment boundary and nowhere else: closed GOPs, no scene cuts.
    int k = chunk.segmentFrames();
    o.put("x264-params", "keyint=" + k + ":min-keyint=" + k + ":scenecut=0:open-gop=0");
    return o;
  }

  /**
   * Encodes {@code picture} as output frames {@code pts} .. {@code pts + repeats - 1} (repeats fill
   * gaps in a variable-rate source). The picture is scaled once, not once per repeat.
   *
   * @return the picture x264 got, at this rung's size: a smaller rung may scale from it. It stays
   *     unchanged until this rung's next {@code encode} (x264 copies what it is given).
   */
  AVFrame encode(AVFrame picture, long pts, long repeats) throws MediaException {
    AVFrame input = picture;
    if (picture.width() != codec.width()
        || picture.height() != codec.height()
        || picture.format() != AV_PIX_FMT_YUV420P) {
      if (scaled == null) {
        scaled = av_frame_alloc();
        scaled.width(codec.width()).height(codec.height()).format(AV_PIX_FMT_YUV420P);
        check(av_frame_get_buffer(scaled, 0), "frame buffer");
      }
      check(av_frame_make_writable(scaled), "frame buffer");
      check(sws_scale_frame(scalerFor(picture), scaled, picture), "scaling");
      input = scaled;
    }
    // A decoded frame carries its source picture type, which x264 would obey (I = keyframe).
    input.pict_type(AV_PICTURE_TYPE_NONE);
    for (long i = 0; i < repeats; i++) {
      input.pts(pts + i);
      check(avcodec_send_frame(codec, input), "encoding");
      drain();
    }
    return input;
  }

  /** Writes every packet x264 has finished so far. */
  private void drain() throws MediaException {
    while (receive()) {
      // one packet written per call
    }
  }

  /**
   * Flushes every rung's delayed frames (x264's lookahead and frame threads hold about fifteen) and
   * writes their last fragments. One delayed frame per rung in turn, not one rung after another:
   * each call hands x264 its next frame before it waits for the oldest, so the other rungs' frames
   * keep encoding meanwhile and the chunk's tail keeps both cores busy.
   */
  static void finishAll(List<RungEncoder> rungs) throws MediaException {
    for (RungEncoder r : rungs) {
      r.check(avcodec_send_frame(r.codec, null), "flushing");
    }
    List<RungEncoder> draining = new ArrayList<>(rungs);
    while (!draining.isEmpty()) {
      Iterator<RungEncoder> it = draining.iterator();
      while (it.hasNext()) {
        if (!it.next().receive()) {
          it.remove();
        }
      }
    }
    for (RungEncoder r : rungs) {
      r.check(av_write_trailer(r.out), "finishing the MP4");
    }
  }

  /** Writes one finished packet if x264 has one; false when it needs input or has ended. */
  private boolean receive() throws MediaException {
    int rc = avcodec_receive_packet(codec, packet);
    if (rc == AVERROR_EAGAIN() || rc == AVERROR_EOF()) {
      return false;
    }
    check(rc, "encoding");
    av_packet_rescale_ts(packet, codec.time_base(), stream.time_base());
    packet.stream_index(stream.index());
    check(av_interleaved_write_frame(out, packet), "writing the MP4"); // takes the packet
    return true;
  }

  private SwsContext scalerFor(AVFrame picture) throws MediaException {
    int source = (picture.width() * 31 + picture.height()) * 31 + picture.format();
    if (scaler == null || source != scalerSource) {
      sws_freeContext(scaler);
      // Bicubic, the ffmpeg scale filter's default and what the reference ladder uses.
      scaler =
          sws_getContext(
              picture.width(),
              picture.height(),
              picture.format(),
              codec.width(),
              codec.height(),
              AV_PIX_FMT_YUV420P,
              SWS_BICUBIC,
              null,
              null,
              (DoublePointer) null);
      if (scaler == null || scaler.isNull()) {
        throw new MediaException(rung + ": cannot scale from pixel format " + picture.format());
      }
      scalerSource = source;
    }
    return scaler;
  }

  private void check(int rc, String what) throws MediaException {
    if (rc < 0) {
      throw new MediaException(rung + ": " + what + " failed: " + MediaProbe.errorText(rc));
    }
  }

  private static void check(int rc, Ladder.Rung rung, String what) throws MediaException {
    if (rc < 0) {
      throw new MediaException(
          rung.name() + ": opening " + what + " failed: " + MediaProbe.errorText(rc));
    }
  }

  /** Frees everything; a rung closed before {@link #finishAll} leaves an unfinished file. */
  @Override
  public void close() {
    sws_freeContext(scaler);
    scaler = null;
    av_frame_free(scaled);
    av_packet_free(packet);
    avcodec_free_context(codec);
    closeOutput(out);
  }

  private static void closeOutput(AVFormatContext out) {
    if (out != null && !out.isNull()) {
      if (out.pb() != null && !out.pb().isNull()) {
        AVIOContext io = out.pb();
        avio_closep(io);
        out.pb(null);
      }
      avformat_free_context(out);
    }
  }
}
