package io.reelay.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The bundled FFmpeg publishing a generated H.264 + AAC test feed over RTMP in real time. */
public final class FfmpegPublisher implements AutoCloseable {
  private final Process process;
  private final Path log;

  private FfmpegPublisher(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** {@code -re} testsrc2 + sine, libx264 ultrafast zerolatency with a 2 s GOP, AAC, FLV. */
  public static FfmpegPublisher start(String rtmpUrl, int seconds, String size) throws IOException {
    return start(rtmpUrl, seconds, size, true);
  }

  /** As {@link #start(String, int, String)}; without {@code realTime}, as fast as FFmpeg can. */
  public static FfmpegPublisher start(String rtmpUrl, int seconds, String size, boolean realTime)
      throws IOException {
    String ffmpeg = TestMedia.ffmpeg();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                ffmpeg,
                "-hide_banner",
                "-nostdin",
                "-loglevel",
                "warning",
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=" + size + ":rate=30",
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=440:sample_rate=48000",
                "-t",
                String.valueOf(seconds),
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-tune",
                "zerolatency",
                "-g",
                "60",
                "-keyint_min",
                "60",
                "-sc_threshold",
                "0",
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "aac",
                "-ac",
                "2",
                "-f",
                "flv",
                rtmpUrl));
    if (realTime) {
      cmd.add(cmd.indexOf("-f"), "-re");
    }
    Path log = Files.createTempFile("ffmpeg-publish", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("LD_LIBRARY_PATH", new File(ffmpeg).getParent());
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    return new FfmpegPublisher(pb.start(), log);
  }

  /** Waits for the exit code; kills the process after the timeout. */
  public int waitFor(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("ffmpeg did not exit within " + seconds + " s:\n" + log());
    }
    return process.exitValue();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "<no log: " + e + ">";
    }
  }

  @Override
  public void close() throws IOException {
    process.destroyForcibly();
    Files.deleteIfExists(log);
  }
}
