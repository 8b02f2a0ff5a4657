package io.reelay.transcode.media;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import io.reelay.cmaf.InitSegment;
import io.reelay.cmaf.MediaSegment;
import io.reelay.cmaf.Sample;
import io.reelay.cmaf.TrackInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;

/**
 * Transcodes one finished live source segment (CMAF init + segment) into the live rungs below the
 * source height, from a single decode.
 *
 * <p>Boundaries and timestamps: each rung is encoded without B-frames and with one IDR (the first
 * frame) per output segment, one output frame per decoded frame. The encoder's fragment is then
 * re-packaged sample by sample with the source's own decode times and durations (and presentation
 * times: the i-th output frame is shown at the i-th smallest source presentation time), so a rung
 * segment starts at the source segment's tfdt and lasts exactly as long. The init segment is
 * written by Reelay's CMAF writer from the encoder's avcC, so it only changes when the encoder's
 * parameter sets do.
 */
public final class LiveRungTranscoder {
  private LiveRungTranscoder() {}

  /** A live rung: name, height and target bit rate. */
  public record Rung(String name, int height, int bitrateKbps) {}

  /** The standard live ladder, most expensive first. */
  public static final List<Rung> LADDER =
      List.of(new Rung("720p", 720, 3000), new Rung("480p", 480, 1200), new Rung("360p", 360, 730));

  /** One rung's output for a source segment. */
  public record Output(
      String rung, int width, int height, String codecs, byte[] init, byte[] segment) {}

  /** The rungs strictly below a source of the given height, most expensive first. */
  public static List<Rung> below(int sourceHeight, List<Rung> ladder) {
    return ladder.stream().filter(r -> r.height() < sourceHeight).toList();
  }

  /**
   * @param rungs candidate rungs; those not below the source height are skipped
   * @param x264Preset e.g. {@code veryfast}
   * @param workDir where the decoder's temporary input file goes
   */
  public static List<Output> transcode(
      byte[] sourceInit, byte[] sourceSegment, List<Rung> rungs, String x264Preset, Path workDir)
      throws MediaException {
    List<FragmentSamples.Entry> source = FragmentSamples.read(sourceSegment);
    if (source.isEmpty()) {
      throw new MediaException("source segment has no samples");
    }
    long totalTicks = 0;
    for (FragmentSamples.Entry e : source) {
      totalTicks += e.duration();
    }
    double seconds = totalTicks / (double) TrackInfo.VIDEO_TIMESCALE;
    double fps = seconds > 0 ? Math.round(source.size() / seconds * 100) / 100.0 : 30;
    Path input = null;
    List<Path> outputs = new ArrayList<>();
    List<FFmpegFrameRecorder> recorders = new ArrayList<>();
    List<Rung> chosen = List.of();
    int[] widths = new int[0];
    int frames = 0;
    MediaException failure = null;
    try {
      Files.createDirectories(workDir);
      input = workDir.resolve("live-" + UUID.randomUUID() + ".mp4");
      byte[] joined = Arrays.copyOf(sourceInit, sourceInit.length + sourceSegment.length);
      System.arraycopy(sourceSegment, 0, joined, sourceInit.length, sourceSegment.length);
      Files.write(input, joined);
      try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(input.toFile())) {
        grabber.setPixelFormat(AV_PIX_FMT_YUV420P);
        grabber.start();
        int sw = grabber.getImageWidth();
        int sh = grabber.getImageHeight();
        chosen = below(sh, rungs);
        widths = new int[chosen.size()];
        for (int i = 0; i < chosen.size(); i++) {
          Rung r = chosen.get(i);
          widths[i] = Math.max(2, (int) Math.round(r.height() * (double) sw / sh / 2) * 2);
          Path out = workDir.resolve("live-" + UUID.randomUUID() + "-" + r.name() + ".mp4");
          outputs.add(out);
          recorders.add(startRecorder(out, widths[i], r, fps, x264Preset));
        }
        Frame frame;
        while (!recorders.isEmpty() && (frame = grabber.grabImage()) != null) {
          frames++;
          for (FFmpegFrameRecorder r : recorders) {
            r.record(frame, AV_PIX_FMT_YUV420P);
          }
        }
      }
    } catch (IOException e) {
      failure = new MediaException("live rung transcode failed: " + e, e);
    } finally {
      for (FFmpegFrameRecorder r : recorders) {
        try {
          r.close(); // flushes the encoder and writes the fragment
        } catch (FrameRecorder.Exception e) {
          if (failure == null) {
            failure = new MediaException("finishing a live rung failed: " + e, e);
          }
        }
      }
      deleteQuietly(input);
    }
    try {
      if (failure != null) {
        throw failure;
      }
      if (!chosen.isEmpty() && frames == 0) {
        throw new MediaException("no video frames decoded from the source segment");
      }
      List<Output> result = new ArrayList<>();
      for (int i = 0; i < chosen.size(); i++) {
        result.add(repackage(chosen.get(i), widths[i], Files.readAllBytes(outputs.get(i)), source));
      }
      return result;
    } catch (IOException e) {
      throw new MediaException("reading a live rung failed: " + e, e);
    } finally {
      outputs.forEach(LiveRungTranscoder::deleteQuietly);
    }
  }

  private static FFmpegFrameRecorder startRecorder(
      Path file, int width, Rung rung, double fps, String preset) throws FrameRecorder.Exception {
    FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toFile(), width, rung.height(), 0);
    try {
      r.setFormat("mp4");
      r.setVideoCodecName("libx264");
      r.setPixelFormat(AV_PIX_FMT_YUV420P);
      r.setFrameRate(fps);
      r.setVideoBitrate(rung.bitrateKbps() * 1000);
      r.setImageScalingFlags(swscale.SWS_BICUBIC);
      r.setVideoOption("preset", preset);
      r.setVideoOption("profile", "high");
      r.setVideoOption("maxrate", Integer.toString(rung.bitrateKbps() * 1500));
      r.setVideoOption("bufsize", Integer.toString(rung.bitrateKbps() * 2000));
      // One IDR (the first frame), no B-frames: decode order is presentation order, so the
      // source's timestamps can be laid over the output frame by frame.
      r.setGopSize(100_000);
      r.setVideoOption(
          "x264-params",
          "keyint=100000:min-keyint=100000:scenecut=0:open-gop=0:bframes=0:rc-lookahead=0");
      r.setOption("movflags", "frag_keyframe+empty_moov+default_base_moof+skip_trailer");
      r.setOption("fflags", "+bitexact");
      r.start();
      return r;
    } catch (FrameRecorder.Exception | RuntimeException e) {
      r.close();
      throw e;
    }
  }

  /** The encoder's samples, re-timed to the source's and written as a CMAF segment. */
  private static Output repackage(
      Rung rung, int width, byte[] encoded, List<FragmentSamples.Entry> source)
      throws MediaException {
    Fmp4.Split split = Fmp4.split(encoded);
    List<Sample> samples = new ArrayList<>();
    List<byte[]> data = new ArrayList<>();
    for (byte[] frag : split.fragments()) {
      for (FragmentSamples.Entry e : FragmentSamples.read(frag)) {
        data.add(Arrays.copyOfRange(frag, e.offset(), e.offset() + e.size()));
      }
    }
    if (data.isEmpty()) {
      throw new MediaException(rung.name() + ": encoder produced no samples");
    }
    int n = Math.min(data.size(), source.size());
    long[] presentation =
        source.stream().mapToLong(FragmentSamples.Entry::presentationTime).toArray();
    Arrays.sort(presentation);
    long end =
        source.get(source.size() - 1).decodeTime() + source.get(source.size() - 1).duration();
    for (int i = 0; i < n; i++) {
      FragmentSamples.Entry s = source.get(i);
      // A decoder that lost frames leaves fewer outputs: the last one covers the rest.
      int duration = i == n - 1 ? (int) (end - s.decodeTime()) : s.duration();
      int cts = (int) Math.max(0, presentation[i] - s.decodeTime());
      samples.add(new Sample(s.decodeTime(), duration, cts, i == 0, data.get(i)));
    }
    byte[] avcC = avcC(split.init());
    TrackInfo track = TrackInfo.h264(1, width, rung.height(), avcC);
    byte[] init = new InitSegment(track).toBytes();
    byte[] segment = MediaSegment.of(1, 1, samples).toBytes();
    return new Output(rung.name(), width, rung.height(), track.codecs(), init, segment);
  }

  /** The AVCDecoderConfigurationRecord (avcC payload) of an encoder's init segment. */
  static byte[] avcC(byte[] init) throws MediaException {
    for (int i = 4; i + 4 < init.length; i++) {
      if (init[i] == 'a' && init[i + 1] == 'v' && init[i + 2] == 'c' && init[i + 3] == 'C') {
        int size = ByteBuffer.wrap(init).getInt(i - 4);
        if (size < 8 || i - 4 + size > init.length) {
          break;
        }
        return Arrays.copyOfRange(init, i + 4, i - 4 + size);
      }
    }
    throw new MediaException("encoder init segment without avcC");
  }

  private static void deleteQuietly(Path p) {
    if (p == null) {
      return;
    }
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // A leftover temporary file is harmless.
    }
  }
}
