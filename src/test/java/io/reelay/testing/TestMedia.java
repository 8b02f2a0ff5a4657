package io.reelay.testing;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacv.FFmpegFrameGrabber;

/** Test source generation with the bundled ffmpeg, and packet extraction via JavaCV. */
public final class TestMedia {
  static {
    // Keep JavaCV's demuxer from dumping stream info on every open.
    org.bytedeco.ffmpeg.global.avutil.av_log_set_level(
        org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR);
  }

  private static Path shared;

  private TestMedia() {}

  /** Source file generated once per test JVM, shared by the real-media tests. */
  public static synchronized Path sharedSource() throws IOException, InterruptedException {
    if (shared == null) {
      Path dir = Files.createTempDirectory("cmaf-src");
      dir.toFile().deleteOnExit();
      shared = generate(dir);
      shared.toFile().deleteOnExit();
    }
    return shared;
  }

  public static String ffmpeg() {
    return Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
  }

  public static String ffprobe() {
    return Loader.load(org.bytedeco.ffmpeg.ffprobe.class);
  }

  /** Result of running a process: exit code plus captured stdout and stderr. */
  public record Run(int exit, String out, String err) {}

  public static Run run(List<String> cmd) throws IOException, InterruptedException {
    Path outFile = Files.createTempFile("cmaf-run", ".out");
    Path errFile = Files.createTempFile("cmaf-run", ".err");
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd);
      // The bundled executables link the shared libs unpacked next to them in the JavaCPP cache.
      String libDir = Path.of(cmd.get(0)).getParent().toString();
      String old = System.getenv("LD_LIBRARY_PATH");
      pb.environment().put("LD_LIBRARY_PATH", old == null ? libDir : libDir + ":" + old);
      Process p =
          pb.redirectOutput(outFile.toFile())
              .redirectError(errFile.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timeout: " + cmd);
      }
      return new Run(
          p.exitValue(),
          Files.readString(outFile, StandardCharsets.UTF_8),
          Files.readString(errFile, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(outFile);
      Files.deleteIfExists(errFile);
    }
  }

  /** Decodes {@code file} to the end with ffmpeg, failing on the first error; returns the run. */
  public static Run decode(Path file) throws IOException, InterruptedException {
    return run(
        List.of(ffmpeg(), "-v", "error", "-xerror", "-i", file.toString(), "-f", "null", "-"));
  }

  /** 320x240 30 fps H.264 with B-frames and 1 s GOPs, plus 48 kHz AAC, 4 seconds. */
  public static Path generate(Path dir) throws IOException, InterruptedException {
    Path out = dir.resolve("source.mp4");
    Run r =
        run(
            List.of(
                ffmpeg(),
                "-v",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=320x240:rate=30",
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=440:sample_rate=48000",
                "-t",
                "4",
                "-c:v",
                "libx264",
                "-preset",
                "veryfast",
                "-pix_fmt",
                "yuv420p",
                "-g",
                "30",
                "-keyint_min",
                "30",
                "-sc_threshold",
                "0",
                "-bf",
                "2",
                "-c:a",
                "aac",
                "-ac",
                "2",
                out.toString()));
    if (r.exit() != 0) {
      throw new AssertionError("ffmpeg failed: " + r.err());
    }
    return out;
  }

  /** One demuxed packet, timestamps in its stream's time base. */
  public record Packet(int stream, long pts, long dts, long duration, boolean key, byte[] data) {}

  /** Track parameters and packets of one stream. */
  public record Stream(
      int index,
      boolean video,
      int tbNum,
      int tbDen,
      int width,
      int height,
      int sampleRate,
      int channels,
      byte[] extradata,
      List<Packet> packets) {}

  /** Demuxed source: streams in file order plus all packets in demux (interleaved) order. */
  public record Demuxed(List<Stream> streams, List<Packet> packets) {
    public Stream video() {
      return streams.stream().filter(Stream::video).findFirst().orElseThrow();
    }

    public Stream audio() {
      return streams.stream().filter(s -> !s.video()).findFirst().orElseThrow();
    }
  }

  public static Demuxed demux(Path file) throws IOException {
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
      g.start();
      int n = g.getFormatContext().nb_streams();
      List<Packet> all = new ArrayList<>();
      List<List<Packet>> per = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        per.add(new ArrayList<>());
      }
      AVPacket p;
      while ((p = g.grabPacket()) != null) {
        byte[] data = new byte[p.size()];
        p.data().get(data);
        Packet pk =
            new Packet(
                p.stream_index(),
                p.pts(),
                p.dts(),
                p.duration(),
                (p.flags() & AV_PKT_FLAG_KEY) != 0,
                data);
        all.add(pk);
        per.get(pk.stream()).add(pk);
      }
      List<Stream> streams = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        AVStream st = g.getFormatContext().streams(i);
        AVCodecParameters cp = st.codecpar();
        int type = cp.codec_type();
        if (type != AVMEDIA_TYPE_VIDEO && type != AVMEDIA_TYPE_AUDIO) {
          continue;
        }
        byte[] extra = new byte[cp.extradata_size()];
        cp.extradata().get(extra);
        streams.add(
            new Stream(
                i,
                type == AVMEDIA_TYPE_VIDEO,
                st.time_base().num(),
                st.time_base().den(),
                cp.width(),
                cp.height(),
                cp.sample_rate(),
                cp.ch_layout().nb_channels(),
                extra,
                per.get(i)));
      }
      g.stop();
      return new Demuxed(streams, all);
    }
  }
}
