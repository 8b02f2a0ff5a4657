package io.reelay.transcode.media;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_DISPLAYMATRIX;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_CORRUPT;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_side_data_get;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_profile_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_FLAG_ANY;
import static org.bytedeco.ffmpeg.global.avformat.av_find_best_stream;
import static org.bytedeco.ffmpeg.global.avformat.av_guess_sample_aspect_ratio;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_seek_file;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_TIME_BASE;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_describe;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_get;
import static org.bytedeco.ffmpeg.global.avutil.av_display_rotation_get;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_get_pix_fmt_name;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionaryEntry;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;

/**
 * Reads container and stream facts with libavformat directly (no JavaCV grabber: it needs no
 * avdevice and exposes SAR, display matrix and both frame rates), then decodes one frame so that a
 * file that merely looks like media is rejected up front.
 */
public final class MediaProbe {
  /** Demuxers that yield a single still image rather than a timed stream. */
  private static final Set<String> IMAGE_CODECS =
      Set.of("png", "bmp", "gif", "webp", "tiff", "jpegls", "qoi", "ppm", "pgm", "pam");

  /** Packets read while looking for a first decodable frame before giving up. */
  private static final int MAX_PACKETS_FOR_FIRST_FRAME = 500;

  private MediaProbe() {}

  public static MediaInfo probe(Path source) throws MediaException {
    String name =
        source.getFileName() == null ? source.toString() : source.getFileName().toString();
    long size;
    try {
      size = Files.size(source);
    } catch (IOException e) {
      throw new MediaException("Cannot read " + name + ": " + e.getMessage(), e);
    }
    if (size == 0) {
      throw new MediaException(name + " is empty (0 bytes), not a media file");
    }
    AVFormatContext fmt = new AVFormatContext(null);
    int rc = avformat_open_input(fmt, source.toAbsolutePath().toString(), null, null);
    if (rc < 0) {
      throw new MediaException(name + " is not a recognised media file (" + errorText(rc) + ")");
    }
    try {
      rc = avformat_find_stream_info(fmt, (org.bytedeco.javacpp.PointerPointer<?>) null);
      if (rc < 0) {
        throw new MediaException(name + " has unreadable streams (" + errorText(rc) + ")");
      }
      String format = fmt.iformat().name().getString();
      int vIdx = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, (AVCodec) null, 0);
      int aIdx = av_find_best_stream(fmt, AVMEDIA_TYPE_AUDIO, -1, -1, (AVCodec) null, 0);
      MediaInfo.Video video = vIdx >= 0 ? video(fmt, fmt.streams(vIdx)) : null;
      MediaInfo.Audio audio = aIdx >= 0 ? audio(fmt.streams(aIdx)) : null;
      if (video == null && audio == null) {
        throw new MediaException(name + " contains no audio or video stream");
      }
      if (video != null
          && audio == null
          && (format.endsWith("_pipe")
              || format.equals("image2")
              || IMAGE_CODECS.contains(video.codec()))) {
        throw new MediaException(name + " is a still image (" + video.codec() + "), not a video");
      }
      double duration = duration(fmt, vIdx >= 0 ? vIdx : aIdx);
      if (!(duration > 0)) {
        throw new MediaException(name + " has no usable duration");
      }
      int mainIdx = vIdx >= 0 ? vIdx : aIdx;
      requireDecodableFrame(fmt, mainIdx, name);
      requireDataNearEnd(fmt, mainIdx, duration, name);
      long bitRate = fmt.bit_rate() > 0 ? fmt.bit_rate() : Math.round(size * 8 / duration);
      return new MediaInfo(format, duration, bitRate, video, audio);
    } finally {
      avformat_close_input(fmt);
    }
  }

  private static MediaInfo.Video video(AVFormatContext fmt, AVStream st) {
    AVCodecParameters par = st.codecpar();
    String codec = string(avcodec_get_name(par.codec_id()));
    String pix = par.format() >= 0 ? string(av_get_pix_fmt_name(par.format())) : null;
    int w = par.width();
    int h = par.height();
    AVRational sarR = av_guess_sample_aspect_ratio(fmt, st, null);
    Rational sar =
        sarR.num() > 0 && sarR.den() > 0 ? Rational.of(sarR.num(), sarR.den()) : Rational.of(1, 1);
    int rotation = rotation(st);
    // Display size: stretch the width by the SAR, keep the coded height (what players do).
    int dw = (int) Math.round((double) w * sar.num() / sar.den());
    int dh = h;
    if (rotation == 90 || rotation == 270) {
      int t = dw;
      dw = dh;
      dh = t;
    }
    Rational avg = rational(st.avg_frame_rate());
    Rational base = rational(st.r_frame_rate());
    Rational rate = avg.isValid() ? avg : base;
    if (!rate.isValid()) {
      rate = Rational.of(25, 1);
    }
    boolean vfr =
        avg.isValid()
            && base.isValid()
            && Math.abs(avg.value() - base.value()) > 0.01 * base.value();
    return new MediaInfo.Video(
        codec, pix, w, h, sar, rotation, dw, dh, rate, base.isValid() ? base : rate, vfr);
  }

  private static MediaInfo.Audio audio(AVStream st) {
    AVCodecParameters par = st.codecpar();
    String codec = string(avcodec_get_name(par.codec_id()));
    String profile =
        par.profile() >= 0 ? string(avcodec_profile_name(par.codec_id(), par.profile())) : null;
    int channels = par.ch_layout().nb_channels();
    byte[] buf = new byte[128];
    int n = av_channel_layout_describe(par.ch_layout(), buf, buf.length);
    String layout = n > 0 ? new String(buf, 0, Math.min(n, buf.length) - 1).trim() : null;
    return new MediaInfo.Audio(codec, profile, par.sample_rate(), channels, layout);
  }

  /** Clockwise degrees, from the display matrix (FFmpeg 6+) or the legacy "rotate" tag. */
  private static int rotation(AVStream st) {
    AVCodecParameters par = st.codecpar();
    AVPacketSideData sd =
        av_packet_side_data_get(
            par.coded_side_data(), par.nb_coded_side_data(), AV_PKT_DATA_DISPLAYMATRIX);
    double degrees = 0;
    if (sd != null && !sd.isNull() && sd.size() >= 36) {
      // The matrix stores counter-clockwise rotation; players rotate the other way to show it.
      degrees = -av_display_rotation_get(new IntPointer(sd.data()));
    } else {
      AVDictionaryEntry tag = av_dict_get(st.metadata(), "rotate", null, 0);
      if (tag != null && !tag.isNull()) {
        try {
          degrees = Double.parseDouble(tag.value().getString());
        } catch (NumberFormatException e) {
          degrees = 0;
        }
      }
    }
    if (Double.isNaN(degrees)) {
      return 0;
    }
    int r = (int) (Math.round(degrees / 90.0) * 90) % 360;
    return r < 0 ? r + 360 : r;
  }

  private static double duration(AVFormatContext fmt, int streamIdx) {
    if (fmt.duration() != AV_NOPTS_VALUE && fmt.duration() > 0) {
      return fmt.duration() / (double) AV_TIME_BASE;
    }
    if (streamIdx >= 0) {
      AVStream st = fmt.streams(streamIdx);
      if (st.duration() != AV_NOPTS_VALUE && st.duration() > 0) {
        return st.duration() * (double) st.time_base().num() / st.time_base().den();
      }
    }
    return Double.NaN;
  }

  /** Truncated or mislabelled files often open fine; decoding one frame is the real test. */
  private static void requireDecodableFrame(AVFormatContext fmt, int streamIdx, String name)
      throws MediaException {
    AVStream st = fmt.streams(streamIdx);
    AVCodec decoder = avcodec_find_decoder(st.codecpar().codec_id());
    if (decoder == null || decoder.isNull()) {
      throw new MediaException(
          name + ": no decoder for " + string(avcodec_get_name(st.codecpar().codec_id())));
    }
    AVCodecContext ctx = avcodec_alloc_context3(decoder);
    AVPacket pkt = av_packet_alloc();
    AVFrame frame = av_frame_alloc();
    try {
      int rc = avcodec_parameters_to_context(ctx, st.codecpar());
      if (rc >= 0) {
        rc = avcodec_open2(ctx, decoder, (org.bytedeco.ffmpeg.avutil.AVDictionary) null);
      }
      if (rc < 0) {
        throw new MediaException(name + ": cannot open decoder (" + errorText(rc) + ")");
      }
      for (int i = 0; i < MAX_PACKETS_FOR_FIRST_FRAME; i++) {
        rc = av_read_frame(fmt, pkt);
        if (rc < 0) {
          break;
        }
        try {
          if (pkt.stream_index() != streamIdx) {
            continue;
          }
          if (avcodec_send_packet(ctx, pkt) < 0) {
            continue; // one corrupt packet is not fatal; the loop bound keeps this quick
          }
          int got = avcodec_receive_frame(ctx, frame);
          if (got >= 0) {
            return;
          }
          if (got != AVERROR_EAGAIN()) {
            break;
          }
        } finally {
          av_packet_unref(pkt);
        }
      }
      // Flush: some decoders only emit after the end of the input.
      avcodec_send_packet(ctx, null);
      if (avcodec_receive_frame(ctx, frame) >= 0) {
        return;
      }
      throw new MediaException(name + " is damaged or truncated: no frame could be decoded");
    } finally {
      av_frame_free(frame);
      av_packet_free(pkt);
      avcodec_free_context(ctx);
    }
  }

  /**
   * A file cut after its index (faststart MP4, MKV with cues) opens and decodes its first frames;
   * reading a packet near the stated end exposes the missing data without decoding the file.
   */
  private static void requireDataNearEnd(
      AVFormatContext fmt, int streamIdx, double duration, String name) throws MediaException {
    long target = (long) (Math.max(0, duration - 1.0) * AV_TIME_BASE);
    // ANY: land on the packet at the target, not on a keyframe that may be at the very start.
    if (avformat_seek_file(fmt, -1, Long.MIN_VALUE, target, target, AVSEEK_FLAG_ANY) < 0) {
      return; // not seekable (raw streams): nothing more to check cheaply
    }
    AVPacket pkt = av_packet_alloc();
    try {
      for (int i = 0; i < MAX_PACKETS_FOR_FIRST_FRAME; i++) {
        int rc = av_read_frame(fmt, pkt);
        // A short read at the end of a cut file comes back as a packet flagged corrupt.
        if (rc < 0 || (pkt.flags() & AV_PKT_FLAG_CORRUPT) != 0) {
          av_packet_unref(pkt);
          throw new MediaException(
              name
                  + " is truncated: its data ends before the stated duration of "
                  + String.format(java.util.Locale.ROOT, "%.1f s", duration));
        }
        boolean found = pkt.stream_index() == streamIdx && pkt.size() > 0;
        av_packet_unref(pkt);
        if (found) {
          return;
        }
      }
    } finally {
      av_packet_free(pkt);
    }
  }

  private static Rational rational(AVRational r) {
    return r.num() > 0 && r.den() > 0 ? Rational.of(r.num(), r.den()) : Rational.of(0, 1);
  }

  private static String string(BytePointer p) {
    return p == null || p.isNull()
        ? null
        : p.getString().toLowerCase(Locale.ROOT).equals("none") ? null : p.getString();
  }

  static String errorText(int rc) {
    byte[] buf = new byte[256];
    av_strerror(rc, buf, buf.length);
    int len = 0;
    while (len < buf.length && buf[len] != 0) {
      len++;
    }
    return new String(buf, 0, len);
  }
}
