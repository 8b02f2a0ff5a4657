package io.reelay.transcode.media;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;

/** The bundled ffmpeg/ffprobe executables, for making test sources and checking outputs. */
final class Ff {
  private static Path ffmpeg;
  private static Path ffprobe;

  private Ff() {}

  /** FFmpeg's INFO output (stream dumps, x264 stats) drowns test reports. */
  static void quietNativeLogs() {
    org.bytedeco.ffmpeg.global.avutil.av_log_set_level(
        org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR);
  }

  static synchronized Path ffmpeg() {
    if (ffmpeg == null) {
      ffmpeg = Path.of(Loader.load(org.bytedeco.ffmpeg.ffmpeg.class));
    }
    return ffmpeg;
  }

  static synchronized Path ffprobe() {
    if (ffprobe == null) {
      ffprobe = Path.of(Loader.load(org.bytedeco.ffmpeg.ffprobe.class));
    }
    return ffprobe;
  }

  /** Runs ffmpeg with {@code -v error -y} and the given arguments; fails on a non-zero exit. */
  static String ffmpeg(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(ffmpeg().toString(), "-v", "error", "-y"));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  static String ffprobe(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(ffprobe().toString(), "-v", "error"));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  static String run(List<String> cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    // The extracted executables find their shared libraries next to themselves.
    pb.environment().put("LD_LIBRARY_PATH", ffmpeg().getParent().toString());
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + cmd);
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException("exit " + p.exitValue() + " from " + cmd + ":\n" + text);
    }
    return text;
  }

  /** A synthetic clip: testsrc2 video (and a sine tone when {@code audio}). */
  static Path clip(
      Path dir,
      String name,
      int w,
      int h,
      String rate,
      double seconds,
      boolean audio,
      String... extra)
      throws IOException, InterruptedException {
    Path out = dir.resolve(name);
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of("-f", "lavfi", "-i", "testsrc2=s=" + w + "x" + h + ":r=" + rate + ":d=" + seconds));
    if (audio) {
      args.addAll(
          List.of(
              "-f",
              "lavfi",
              "-i",
              "sine=frequency=440:sample_rate=48000:d=" + seconds,
              "-c:a",
              "aac",
              "-ac",
              "2"));
    }
    args.addAll(List.of("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"));
    args.addAll(List.of(extra));
    args.add(out.toString());
    ffmpeg(args.toArray(String[]::new));
    return out;
  }

  static Path concat(Path out, Path init, List<Path> segments) throws IOException {
    Files.write(out, Files.readAllBytes(init));
    for (Path s : segments) {
      Files.write(out, Files.readAllBytes(s), java.nio.file.StandardOpenOption.APPEND);
    }
    return out;
  }
}
