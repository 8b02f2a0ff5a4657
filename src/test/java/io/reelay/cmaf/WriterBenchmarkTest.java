package io.reelay.cmaf;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_clone;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.testing.TestMedia;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.junit.jupiter.api.Test;

/**
 * Prints (does not assert) the cost of packaging one second of media with this writer versus
 * remuxing the same packets with FFmpeg's fragmented-MP4 muxer through JavaCV.
 */
class WriterBenchmarkTest {
  private static final int WARMUP = 50;
  private static final int BATCHES = 10;
  private static final int RUNS_PER_BATCH = 20;
  private static final double MEDIA_SECONDS = 4.0;

  @Test
  void writerVersusFfmpegRemux() throws Exception {
    Path src = TestMedia.sharedSource();
    TestMedia.Demuxed d = TestMedia.demux(src);
    int shift = Packager.shiftThirtieths(d);
    TrackInfo vt = Packager.track(d.video(), 1);
    TrackInfo at = Packager.track(d.audio(), 1);

    long[] bytes = new long[1];
    double writerMs = bestMsPerMediaSecond(() -> bytes[0] = packageWithWriter(d, vt, at, shift));

    // Rendering alone, from ready-made Samples (what a segmenter pays per published segment).
    Packager.Packaged v =
        Packager.packageVideo(vt, Packager.samples(d.video(), vt.timescale(), shift), 30_000);
    Packager.Packaged a =
        Packager.packageAudio(
            at, Packager.samples(d.audio(), at.timescale(), shift), v, at.timescale() / 3);
    double renderMs = bestMsPerMediaSecond(() -> render(v, a));

    double ffmpegMs;
    long[] ffBytes = new long[1];
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(src.toFile())) {
      g.start();
      List<AVPacket> packets = new ArrayList<>();
      AVPacket p;
      while ((p = g.grabPacket()) != null) {
        packets.add(av_packet_clone(p));
      }
      ffmpegMs = bestMsPerMediaSecond(() -> ffBytes[0] = remux(g, packets));
      for (AVPacket pk : packets) {
        av_packet_free(pk);
      }
      g.stop();
    }
    System.out.printf(
        "CMAF writer, packets->samples->segments: %.3f ms per media second (%d bytes)%n"
            + "CMAF writer, render only: %.3f ms per media second%n"
            + "FFmpegFrameRecorder mp4 frag remux: %.3f ms per media second (%d bytes)%n",
        writerMs, bytes[0], renderMs, ffmpegMs, ffBytes[0]);
    assertTrue(bytes[0] > 0 && ffBytes[0] > 0);
  }

  /** Work that can throw, for timing. */
  interface Task {
    void run() throws Exception;
  }

  /** Best batch mean: the machine is shared, so the minimum is the least noisy estimate. */
  private static double bestMsPerMediaSecond(Task task) throws Exception {
    for (int i = 0; i < WARMUP; i++) {
      task.run();
    }
    double best = Double.MAX_VALUE;
    for (int b = 0; b < BATCHES; b++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < RUNS_PER_BATCH; i++) {
        task.run();
      }
      best = Math.min(best, (System.nanoTime() - t0) / 1e6 / RUNS_PER_BATCH / MEDIA_SECONDS);
    }
    return best;
  }

  /** Packet bytes to Samples to init + segments, both tracks, like the live path does. */
  private static long packageWithWriter(
      TestMedia.Demuxed d, TrackInfo vt, TrackInfo at, int shift) {
    Packager.Packaged v =
        Packager.packageVideo(vt, Packager.samples(d.video(), vt.timescale(), shift), 30_000);
    Packager.Packaged a =
        Packager.packageAudio(
            at, Packager.samples(d.audio(), at.timescale(), shift), v, at.timescale() / 3);
    long total = new InitSegment(vt).toBytes().length + new InitSegment(at).toBytes().length;
    for (MediaSegment s : v.segments()) {
      total += s.toBytes().length;
    }
    for (MediaSegment s : a.segments()) {
      total += s.toBytes().length;
    }
    return total;
  }

  private static long render(Packager.Packaged v, Packager.Packaged a) {
    long total = 0;
    for (Packager.Packaged p : List.of(v, a)) {
      total += new InitSegment(p.track()).toBytes().length;
      for (MediaSegment s : p.segments()) {
        total += s.toBytes().length;
      }
    }
    return total;
  }

  private static long remux(FFmpegFrameGrabber g, List<AVPacket> packets) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FFmpegFrameRecorder r =
        new FFmpegFrameRecorder(out, g.getImageWidth(), g.getImageHeight(), g.getAudioChannels());
    r.setFormat("mp4");
    r.setOption("movflags", "frag_keyframe+empty_moov+default_base_moof");
    r.start(g.getFormatContext());
    for (AVPacket p : packets) {
      AVPacket c = av_packet_clone(p); // the muxer takes ownership and rescales in place
      r.recordPacket(c);
      av_packet_free(c);
    }
    r.stop();
    r.release();
    return out.size();
  }
}
