package io.reelay.rtmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.reelay.flv.AudioSpecificConfig;
import io.reelay.flv.AvcDecoderConfigurationRecord;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Publishes a real FFmpeg (libx264 + AAC) stream into {@link RtmpSession} over a local socket. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FfmpegInteropTest {
  private static String ffmpeg;

  @BeforeAll
  static void locateFfmpeg() {
    ffmpeg = org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
  }

  /** What one connection produced. */
  private static final class Run {
    final List<RtmpEvent.PublishRequested> publishes = new ArrayList<>();
    final List<Map<String, Object>> metadata = new ArrayList<>();
    final List<String> errors = new ArrayList<>();
    AvcDecoderConfigurationRecord avc;
    AudioSpecificConfig aac;
    int videoFrames;
    int positiveCts;
    int keyFrames;
    int audioFrames;
    int dropped;
    int repaired;
    boolean unpublished;
    long lastVideoTs = -1;
    boolean videoMonotonic = true;
    int exitCode;
    String ffmpegLog;
  }

  private Run publish(String streamKey, String acceptKey, int seconds) throws Exception {
    return publish(streamKey, acceptKey, seconds, "320x240", "-preset ultrafast");
  }

  private Run publish(String streamKey, String acceptKey, int seconds, String size, String x264)
      throws Exception {
    Run run = new Run();
    Path log = Files.createTempFile("ffmpeg-interop", ".log");
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      server.setSoTimeout(30_000);
      String args =
          String.format(
              "-hide_banner -nostdin -re -f lavfi -i testsrc2=size=%s:rate=25"
                  + " -f lavfi -i sine=frequency=440:sample_rate=44100 -t %d"
                  + " -c:v libx264 %s -g 25 -c:a aac -f flv rtmp://127.0.0.1:%d/live/%s",
              size, seconds, x264, server.getLocalPort(), streamKey);
      List<String> command = new ArrayList<>(List.of(ffmpeg));
      command.addAll(List.of(args.split(" ")));
      ProcessBuilder pb = new ProcessBuilder(command);
      // The bundled binary finds its shared libraries next to itself.
      pb.environment().put("LD_LIBRARY_PATH", new File(ffmpeg).getParent());
      pb.redirectErrorStream(true).redirectOutput(log.toFile());
      Process process = pb.start();
      try (Socket socket = server.accept()) {
        socket.setSoTimeout(30_000);
        serve(socket, acceptKey, run);
      } finally {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          fail("ffmpeg did not exit");
        }
      }
      run.exitCode = process.exitValue();
      run.ffmpegLog = Files.readString(log);
    } finally {
      Files.deleteIfExists(log);
    }
    return run;
  }

  private static void serve(Socket socket, String acceptKey, Run run) throws IOException {
    RtmpSession session = new RtmpSession();
    InputStream in = socket.getInputStream();
    OutputStream out = socket.getOutputStream();
    byte[] buf = new byte[16384];
    int n;
    while ((n = in.read(buf)) != -1) {
      for (RtmpEvent e : session.feed(buf, 0, n)) {
        if (e instanceof RtmpEvent.Outbound o) {
          out.write(o.bytes());
        } else if (e instanceof RtmpEvent.PublishRequested p) {
          run.publishes.add(p);
          out.write(
              p.streamKey().equals(acceptKey)
                  ? session.acceptPublish()
                  : session.rejectPublish("unknown stream key"));
          if (session.state() == RtmpSession.State.CLOSED) {
            return;
          }
        } else if (e instanceof RtmpEvent.Metadata m) {
          run.metadata.add(m.values());
        } else if (e instanceof RtmpEvent.VideoConfig c) {
          run.avc = c.config();
        } else if (e instanceof RtmpEvent.AudioConfig c) {
          run.aac = c.config();
        } else if (e instanceof RtmpEvent.VideoData v) {
          if (!v.tag().isAvcSequenceHeader()) {
            run.videoFrames++;
            run.keyFrames += v.tag().isKeyFrame() ? 1 : 0;
            run.positiveCts += v.tag().compositionTimeMs() > 0 ? 1 : 0;
          }
          run.videoMonotonic &= v.timestampMs() >= run.lastVideoTs;
          run.lastVideoTs = v.timestampMs();
        } else if (e instanceof RtmpEvent.AudioData a) {
          run.audioFrames += a.tag().isAacSequenceHeader() ? 0 : 1;
        } else if (e instanceof RtmpEvent.MediaDropped) {
          run.dropped++;
        } else if (e instanceof RtmpEvent.TimestampRepaired) {
          run.repaired++;
        } else if (e instanceof RtmpEvent.Unpublished) {
          run.unpublished = true;
        } else if (e instanceof RtmpEvent.Connected c) {
          assertEquals("live", c.app());
        } else if (e.isTerminal()) {
          run.errors.add(e.toString());
          return;
        }
      }
    }
  }

  @Test
  void ffmpegPublishesH264AndAac() throws Exception {
    Run run = publish("testkey", "testkey", 3);
    String ctx = "ffmpeg log:\n" + run.ffmpegLog;
    assertTrue(run.errors.isEmpty(), run.errors + "\n" + ctx);
    assertEquals(0, run.exitCode, ctx);
    assertEquals(1, run.publishes.size(), ctx);
    assertEquals("testkey", run.publishes.get(0).streamKey());
    assertEquals("live", run.publishes.get(0).app());

    assertFalse(run.metadata.isEmpty(), "metadata");
    Map<String, Object> md = run.metadata.get(0);
    assertEquals(320.0, md.get("width"));
    assertEquals(240.0, md.get("height"));

    assertNotNull(run.avc, "AVC sequence header");
    assertEquals(320, run.avc.width());
    assertEquals(240, run.avc.height());
    assertNotNull(run.aac, "AAC sequence header");
    assertEquals(44100, run.aac.sampleRate());
    assertEquals(1, run.aac.channels(), "sine source is mono");

    // 3 s at 25 fps; GOP 25 => about one key frame per second.
    assertTrue(Math.abs(run.videoFrames - 75) <= 2, "video frames: " + run.videoFrames);
    assertTrue(run.keyFrames >= 3, "key frames: " + run.keyFrames);
    assertTrue(run.audioFrames > 100, "audio frames: " + run.audioFrames); // 44100/1024*3 = 129
    assertEquals(0, run.dropped);
    assertEquals(0, run.repaired);
    assertTrue(run.videoMonotonic);
    assertTrue(run.unpublished, "FCUnpublish/deleteStream at the end");
  }

  @Test
  void ffmpegWithBFramesAndHighProfile() throws Exception {
    // 1280x720 High profile with B-frames: composition offsets and SPS of a second real encoder
    // run.
    Run run =
        publish("bframes", "bframes", 2, "1280x720", "-preset veryfast -bf 2 -profile:v high");
    assertTrue(run.errors.isEmpty(), run.errors + "\n" + run.ffmpegLog);
    assertEquals(0, run.exitCode, run.ffmpegLog);
    assertEquals(100, run.avc.profileIndication());
    assertEquals(1280, run.avc.width());
    assertEquals(720, run.avc.height());
    assertTrue(
        run.positiveCts > 10, "B-frames give positive composition offsets: " + run.positiveCts);
    assertTrue(Math.abs(run.videoFrames - 50) <= 2, "video frames: " + run.videoFrames);
    assertTrue(run.videoMonotonic);
  }

  @Test
  void rejectedKeyMakesFfmpegFail() throws Exception {
    Run run = publish("wrongkey", "testkey", 3);
    assertEquals(1, run.publishes.size());
    assertEquals("wrongkey", run.publishes.get(0).streamKey());
    assertNotEquals(0, run.exitCode, run.ffmpegLog);
    assertTrue(run.ffmpegLog.contains("unknown stream key"), run.ffmpegLog);
    assertEquals(0, run.videoFrames);
  }

  @Test
  void ffmpegAsPlayerPassesTheDigestHandshakeAndGetsAClearRefusal() throws Exception {
    // FFmpeg verifies the server's digest handshake only when playing, so this covers it.
    Path log = Files.createTempFile("ffmpeg-play", ".log");
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      server.setSoTimeout(30_000);
      ProcessBuilder pb =
          new ProcessBuilder(
              ffmpeg,
              "-hide_banner",
              "-nostdin",
              "-rw_timeout",
              "10000000",
              "-i",
              "rtmp://127.0.0.1:" + server.getLocalPort() + "/live/somekey",
              "-t",
              "1",
              "-f",
              "null",
              "-");
      pb.environment().put("LD_LIBRARY_PATH", new File(ffmpeg).getParent());
      pb.redirectErrorStream(true).redirectOutput(log.toFile());
      Process process = pb.start();
      List<String> notices = new ArrayList<>();
      try (Socket socket = server.accept()) {
        socket.setSoTimeout(30_000);
        RtmpSession session = new RtmpSession();
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        byte[] buf = new byte[16384];
        int n;
        read:
        while ((n = in.read(buf)) != -1) {
          for (RtmpEvent e : session.feed(buf, 0, n)) {
            if (e instanceof RtmpEvent.Outbound o) {
              out.write(o.bytes());
            } else if (e instanceof RtmpEvent.Notice notice) {
              notices.add(notice.message());
            } else if (e.isTerminal()) {
              fail("unexpected " + e);
              break read;
            }
          }
        }
      }
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "ffmpeg did not exit");
      String output = Files.readString(log);
      assertNotEquals(0, process.exitValue(), output);
      assertFalse(
          output.contains("validating failed") || output.contains("Signature mismatch"), output);
      assertTrue(output.contains("accepts publishing only"), output);
      assertTrue(notices.contains("refused play request"), notices.toString());
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
