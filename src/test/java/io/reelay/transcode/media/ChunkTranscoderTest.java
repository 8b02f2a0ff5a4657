package io.reelay.transcode.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkTranscoderTest {
  private static final double FRAME = 1 / 25.0;
  @TempDir static Path tmp;
  static Path source;
  static Path out;
  static MediaInfo info;
  static Ladder ladder;
  static ChunkPlan plan;
  static List<ChunkTranscoder.ChunkResult> results = new ArrayList<>();
  static AudioTranscoder.AudioResult audio;
  static AudioTranscoder.AudioResult encodedAudio;
  static long chunkWallMs;
  static long chunkCpuMs;

  @BeforeAll
  static void transcodeAll() throws Exception {
    Ff.quietNativeLogs();
    source = Ff.clip(tmp, "src.mp4", 640, 360, "25", 8, true);
    info = MediaProbe.probe(source);
    LadderConfig config =
        LadderConfig.defaults()
            .withPreset("superfast")
            .withRungs(
                List.of(
                    new LadderConfig.RungSpec("360p", 360, 730),
                    new LadderConfig.RungSpec("240p", 240, 400),
                    new LadderConfig.RungSpec("144p", 144, 150)));
    ladder = LadderPlanner.plan(info, config);
    plan = ChunkPlan.create(info, ladder, 2.0, 2);
    assertEquals(4, plan.segments().size());
    assertEquals(2, plan.chunks().size());
    out = Files.createDirectories(tmp.resolve("out"));
    long cpu0 = cpuNanos();
    long t0 = System.nanoTime();
    // Reverse order on purpose: workers finish in any order.
    results.add(ChunkTranscoder.transcode(source, ladder, plan.chunks().get(1), out));
    results.add(0, ChunkTranscoder.transcode(source, ladder, plan.chunks().get(0), out));
    chunkWallMs = (System.nanoTime() - t0) / 1_000_000;
    chunkCpuMs = (cpuNanos() - cpu0) / 1_000_000;
    assertTrue(ladder.audio().copy(), "AAC-LC stereo source is planned as a copy");
    audio = AudioTranscoder.transcode(source, ladder.audio(), 2.0, out);
    encodedAudio =
        AudioTranscoder.transcode(
            source, new Ladder.Audio("aac", 128_000, 2, 48_000, false), 2.0, tmp.resolve("enc"));
  }

  @Test
  void everyRungDecodesEndToEndWithContinuousTimestamps() throws Exception {
    for (Ladder.Rung rung : ladder.rungs()) {
      Path all = concatRung(rung.name());
      Ff.ffmpeg("-xerror", "-i", all.toString(), "-f", "null", "-");
      String csv =
          Ff.ffprobe(
              "-select_streams",
              "v:0",
              "-show_entries",
              "frame=pts_time",
              "-of",
              "csv=p=0",
              all.toString());
      double[] pts =
          csv.lines()
              .filter(l -> !l.isBlank())
              .mapToDouble(l -> Double.parseDouble(l.replace(",", "").trim()))
              .toArray();
      assertEquals(200, pts.length, rung.name() + " frame count");
      // Segments use trun v1 negative composition offsets (CMAF), so the first frame's
      // presentation time equals tfdt = 0. FFmpeg's mov demuxer reports pts shifted by its
      // largest negative offset (B-frame delay), hence the small tolerance on the first pts.
      assertTrue(pts[0] >= 0 && pts[0] <= 3 * FRAME + 1e-6, rung.name() + " first pts " + pts[0]);
      for (int i = 1; i < pts.length; i++) {
        assertEquals(FRAME, pts[i] - pts[i - 1], 1e-4, rung.name() + " gap at frame " + i);
      }
      assertEquals(info.durationSeconds(), pts[pts.length - 1] - pts[0] + FRAME, FRAME);
      String size =
          Ff.ffprobe(
                  "-select_streams",
                  "v:0",
                  "-show_entries",
                  "stream=width,height",
                  "-of",
                  "csv=p=0",
                  all.toString())
              .trim();
      assertEquals(rung.width() + "," + rung.height(), size);
    }
  }

  @Test
  void everySegmentStartsWithAKeyframe() throws Exception {
    for (Ladder.Rung rung : ladder.rungs()) {
      Path dir = out.resolve(rung.name());
      for (ChunkPlan.Segment s : plan.segments()) {
        Path one =
            Ff.concat(
                tmp.resolve("one.mp4"),
                dir.resolve("init.mp4"),
                List.of(dir.resolve(ChunkTranscoder.segmentName(s.index()))));
        String first =
            Ff.ffprobe(
                    "-select_streams",
                    "v:0",
                    "-read_intervals",
                    "%+#1",
                    "-show_entries",
                    "frame=key_frame,pict_type",
                    "-of",
                    "csv=p=0",
                    one.toString())
                .lines()
                .findFirst()
                .orElse("");
        assertEquals(
            "1,I", first.trim().replaceAll(",+$", ""), rung.name() + " segment " + s.index());
      }
    }
  }

  @Test
  void rungsAgreeOnSegmentsAndInitIsIdenticalAcrossChunks() {
    for (int r = 0; r < ladder.rungs().size(); r++) {
      assertEquals(
          results.get(0).rungs().get(r).initSha256(),
          results.get(1).rungs().get(r).initSha256(),
          "init differs across chunks");
      String codec = results.get(0).rungs().get(r).codecString();
      assertTrue(codec.matches("avc1\\.(64|4d)00[0-9a-f]{2}"), codec);
    }
    List<String> reference = null;
    for (int r = 0; r < ladder.rungs().size(); r++) {
      List<String> segs = new ArrayList<>();
      for (ChunkTranscoder.ChunkResult c : results) {
        for (ChunkTranscoder.SegmentOutput s : c.rungs().get(r).segments()) {
          segs.add(s.number() + ":" + s.frames());
          assertTrue(s.bytes() > 0);
        }
      }
      assertEquals(List.of("0:50", "1:50", "2:50", "3:50"), segs);
      if (reference != null) {
        assertEquals(reference, segs);
      }
      reference = segs;
    }
  }

  @Test
  void segmentFactsReadFromTheFileMatchThoseOfItsBytes() throws Exception {
    for (Ladder.Rung rung : ladder.rungs()) {
      Path dir = out.resolve(rung.name());
      long ticksPerFrame = SegmentFacts.timescale(Files.readAllBytes(dir.resolve("init.mp4"))) / 25;
      for (ChunkPlan.Segment s : plan.segments()) {
        Path seg = dir.resolve(ChunkTranscoder.segmentName(s.index()));
        SegmentFacts.Facts fromFile = SegmentFacts.of(seg);
        assertEquals(SegmentFacts.of(Files.readAllBytes(seg)), fromFile, seg.toString());
        assertEquals(s.startFrame() * ticksPerFrame, fromFile.baseDecodeTime(), "tfdt " + seg);
        assertEquals(s.frameCount() * ticksPerFrame, fromFile.durationTicks(), "duration " + seg);
      }
    }
  }

  @Test
  void copiedAudioIsAlignedAndAsLongAsVideo() throws Exception {
    assertTrue(audio.copied());
    checkAudio(audio, out.resolve("audio"));
  }

  @Test
  void encodedAudioIsAlignedAndAsLongAsVideo() throws Exception {
    assertTrue(!encodedAudio.copied());
    checkAudio(encodedAudio, tmp.resolve("enc/audio"));
  }

  private static void checkAudio(AudioTranscoder.AudioResult result, Path dir) throws Exception {
    System.out.println("AUDIO segments " + result.segments());
    assertEquals(plan.segments().size(), result.segments().size(), "audio segment count");
    List<Path> segs = new ArrayList<>();
    for (ChunkTranscoder.SegmentOutput s : result.segments()) {
      segs.add(dir.resolve(ChunkTranscoder.segmentName(s.number())));
    }
    Path all =
        Ff.concat(
            dir.resolveSibling(dir.getFileName() + "-all.mp4"), dir.resolve("init.mp4"), segs);
    Ff.ffmpeg("-xerror", "-i", all.toString(), "-f", "null", "-");
    String[] last =
        Ff.ffprobe(
                "-select_streams",
                "a:0",
                "-show_entries",
                "packet=pts_time,duration_time",
                "-of",
                "csv=p=0",
                all.toString())
            .lines()
            .filter(l -> !l.isBlank())
            .reduce((x, y) -> y)
            .orElseThrow()
            .split(",");
    double end = Double.parseDouble(last[0]) + Double.parseDouble(last[1]);
    assertEquals(info.durationSeconds(), end, FRAME, "audio end");
    double total =
        result.segments().stream()
            .mapToDouble(ChunkTranscoder.SegmentOutput::durationSeconds)
            .sum();
    // Includes the 1024-sample AAC priming frame that the edit list hides.
    assertEquals(info.durationSeconds(), total, FRAME + 0.03, "audio segment durations");
    for (int i = 0; i + 1 < result.segments().size(); i++) {
      assertEquals(2.0, result.segments().get(i).durationSeconds(), 0.03, "segment " + i);
    }
  }

  @Test
  void chunkSeamsShowTheRightFrames() throws Exception {
    // The 360p rung has the source size, so a frame off by one at a seam would collapse PSNR.
    double min = worstFramePsnr(concatRung("360p"), source);
    assertTrue(min > 25, "worst frame PSNR " + min);
  }

  @Test
  void seamsAreExactWhenChunksStartOnSourceKeyframesOrJustBefore() throws Exception {
    // B-frames (veryfast), so decode times run ahead of presentation times at every keyframe.
    // A keyframe on every chunk start: each chunk decodes from its own first frame.
    checkSeams("gop-on-chunks.mp4", "-g", "50", "-keyint_min", "50", "-sc_threshold", "0");
    // Keyframes one frame after each chunk start: the seek lands on the keyframe of the
    // previous GOP, and the frames before the chunk start are decoded and dropped.
    checkSeams("gop-after-chunks.mp4", "-g", "250", "-force_key_frames", "expr:eq(mod(n,50),1)");
  }

  private static void checkSeams(String name, String... gop) throws Exception {
    List<String> args = new ArrayList<>(List.of("-preset", "veryfast"));
    args.addAll(List.of(gop));
    Path src = Ff.clip(tmp, name, 320, 180, "25", 6, false, args.toArray(String[]::new));
    OneRung r = oneRung(src, 600, 2.0);
    assertEquals(3, r.plan().chunks().size());
    assertEquals(150, r.frames(), name);
    // A frame off by one scores 22-26 dB against the source here; the encode itself about 40.
    double min = worstFramePsnr(r.all(), src);
    System.out.println("MEASURE " + name + " worst frame PSNR " + min);
    assertTrue(min > 30, name + ": worst frame PSNR " + min);
  }

  /** A 180p rung of {@code src} in one-segment chunks, each transcoded on its own. */
  private record OneRung(Ladder ladder, ChunkPlan plan, long frames, Path all) {}

  private static OneRung oneRung(Path src, int kbps, double segmentSeconds) throws Exception {
    MediaInfo mi = MediaProbe.probe(src);
    Ladder l = ladder180p(mi, kbps);
    ChunkPlan p = ChunkPlan.create(mi, l, segmentSeconds, 1);
    Path o = tmp.resolve("one-rung-" + src.getFileName());
    long frames = 0;
    for (ChunkPlan.Chunk c : p.chunks()) {
      frames += ChunkTranscoder.transcode(src, l, c, o).framesEncoded();
    }
    List<Path> segs = new ArrayList<>();
    for (ChunkPlan.Segment seg : p.segments()) {
      segs.add(o.resolve("180p").resolve(ChunkTranscoder.segmentName(seg.index())));
    }
    return new OneRung(
        l, p, frames, Ff.concat(o.resolve("all.mp4"), o.resolve("180p/init.mp4"), segs));
  }

  private static Ladder ladder180p(MediaInfo mi, int kbps) {
    return LadderPlanner.plan(
        mi,
        LadderConfig.defaults()
            .withPreset("superfast")
            .withRungs(List.of(new LadderConfig.RungSpec("180p", 180, kbps))));
  }

  @Test
  void aRungScalesFromARungAtLeastTwiceItsSize() {
    List<Ladder.Rung> standard =
        List.of(rung(1920, 1080), rung(1280, 720), rung(854, 480), rung(640, 360));
    // 720p from the source (1.5:1); 480p from the 1080p rung, 360p from the 720p one
    assertArrayEquals(new int[] {-1, -1, 0, 1}, ChunkTranscoder.scaleSources(standard));
    List<Ladder.Rung> portrait = List.of(rung(720, 1280), rung(360, 640), rung(180, 320));
    // the smallest rung that is big enough: 180x320 from 360x640, not from 720x1280
    assertArrayEquals(new int[] {-1, 0, 1}, ChunkTranscoder.scaleSources(portrait));
    // twice the height but not twice the width (even rounding): from the source
    assertArrayEquals(
        new int[] {-1, -1}, ChunkTranscoder.scaleSources(List.of(rung(426, 240), rung(214, 120))));
  }

  @Test
  void aRungScaledFromAnotherRungShowsTheSameFrames() throws Exception {
    Ladder l =
        LadderPlanner.plan(
            info,
            LadderConfig.defaults()
                .withPreset("superfast")
                .withRungs(
                    List.of(
                        new LadderConfig.RungSpec("240p", 240, 2000),
                        new LadderConfig.RungSpec("100p", 100, 1500))));
    assertArrayEquals(new int[] {-1, 0}, ChunkTranscoder.scaleSources(l.rungs()));
    ChunkPlan p = ChunkPlan.create(info, l, 2.0, 2);
    Path o = Files.createDirectories(tmp.resolve("from-rung"));
    ChunkTranscoder.ChunkResult r = ChunkTranscoder.transcode(source, l, p.chunks().get(0), o);
    List<Path> segs = new ArrayList<>();
    for (ChunkTranscoder.SegmentOutput s : r.rungs().get(1).segments()) {
      segs.add(o.resolve("100p").resolve(ChunkTranscoder.segmentName(s.number())));
    }
    Path rung = Ff.concat(o.resolve("100p.mp4"), o.resolve("100p/init.mp4"), segs);
    Ladder.Rung small = l.rungs().get(1);
    // The same frames scaled straight from the source, losslessly: a rung fed the bigger rung's
    // picture of another frame (one behind, say) would differ by far more than x264's loss.
    Path direct = o.resolve("direct.nut");
    Ff.ffmpeg(
        "-i",
        source.toString(),
        "-frames:v",
        String.valueOf(r.framesEncoded()),
        "-vf",
        "scale=" + small.width() + ":" + small.height() + ":flags=bicubic",
        "-c:v",
        "rawvideo",
        direct.toString());
    double psnr = worstFramePsnr(rung, direct);
    assertTrue(
        psnr > 30, "worst frame PSNR of 100p from 240p against 100p from the source: " + psnr);
  }

  private static Ladder.Rung rung(int width, int height) {
    return new Ladder.Rung(height + "p", width, height, 1_000_000, 1_500_000, 2_000_000, "high");
  }

  /** The lowest per-frame PSNR of {@code a} against {@code b}, frame by frame from the start. */
  private static double worstFramePsnr(Path a, Path b) throws Exception {
    Path stats = tmp.resolve(a.getFileName() + "-psnr.log");
    Ff.ffmpeg(
        "-i",
        a.toString(),
        "-i",
        b.toString(),
        "-lavfi",
        "[0:v]setpts=PTS-STARTPTS[a];[1:v]setpts=PTS-STARTPTS[b];[a][b]psnr=stats_file="
            + stats.toString().replace(":", "\\:"),
        "-f",
        "null",
        "-");
    return Files.readAllLines(stats).stream()
        .map(x -> x.replaceAll(".*psnr_avg:([0-9.inf]+).*", "$1"))
        .mapToDouble(v -> v.startsWith("inf") ? 99 : Double.parseDouble(v))
        .min()
        .orElseThrow();
  }

  @Test
  void rotatedSourceBecomesPortraitRung() throws Exception {
    Path src = Ff.clip(tmp, "rot-src.mp4", 320, 180, "25", 2, false);
    Path rot = tmp.resolve("rot.mp4");
    Ff.ffmpeg("-display_rotation", "90", "-i", src.toString(), "-c", "copy", rot.toString());
    MediaInfo ri = MediaProbe.probe(rot);
    Ladder rl = ladder180p(ri, 300);
    ChunkPlan rp = ChunkPlan.create(ri, rl, 2.0, 1);
    Path rout = tmp.resolve("rot-out");
    ChunkTranscoder.ChunkResult r = ChunkTranscoder.transcode(rot, rl, rp.chunks().get(0), rout);
    assertEquals(50, r.framesEncoded());
    Path one =
        Ff.concat(
            tmp.resolve("rot-all.mp4"),
            rout.resolve("180p/init.mp4"),
            List.of(rout.resolve("180p/seg-00000.m4s")));
    assertEquals(
        "180,320",
        Ff.ffprobe(
                "-select_streams",
                "v:0",
                "-show_entries",
                "stream=width,height",
                "-of",
                "csv=p=0",
                one.toString())
            .trim());
    Ff.ffmpeg("-xerror", "-i", one.toString(), "-f", "null", "-");
  }

  @Test
  void ntscRateKeepsExactTimestampsAcrossChunks() throws Exception {
    Path src = Ff.clip(tmp, "ntsc.mp4", 320, 180, "60000/1001", 2.002, false);
    checkSmallRateCase(src, Rational.of(60000, 1001), 120);
  }

  @Test
  void highRateSourceIsCappedTo60() throws Exception {
    Path src = Ff.clip(tmp, "fast.mp4", 320, 180, "120", 2, false);
    checkSmallRateCase(src, Rational.of(60, 1), 120);
  }

  @Test
  void variableRateSourceBecomesConstantRate() throws Exception {
    // 1 s at 50 fps then 1 s at 25 fps, timestamps kept as they are.
    Path src = tmp.resolve("vfr.mp4");
    Ff.ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=320x180:r=50:d=2",
        "-vf",
        "select='lt(t\\,1)+not(mod(n\\,2))'",
        "-fps_mode",
        "vfr",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        src.toString());
    assertTrue(MediaProbe.probe(src).video().variableFrameRate());
    checkSmallRateCase(src, Rational.of(50, 1), 99);
  }

  private static void checkSmallRateCase(Path src, Rational expectedFps, int expectedFrames)
      throws Exception {
    OneRung r = oneRung(src, 300, 1.0);
    assertEquals(expectedFps, r.ladder().frameRate());
    assertEquals(2, r.plan().chunks().size());
    assertEquals(expectedFrames, r.frames());
    Path all = r.all();
    Ff.ffmpeg("-xerror", "-i", all.toString(), "-f", "null", "-");
    double[] pts =
        Ff.ffprobe(
                "-select_streams",
                "v:0",
                "-show_entries",
                "frame=pts_time",
                "-of",
                "csv=p=0",
                all.toString())
            .lines()
            .filter(x -> !x.isBlank())
            .mapToDouble(x -> Double.parseDouble(x.replace(",", "").trim()))
            .toArray();
    assertEquals(expectedFrames, pts.length);
    double step = 1 / expectedFps.value();
    for (int i = 1; i < pts.length; i++) {
      assertEquals(step, pts[i] - pts[i - 1], 1e-4, "gap at frame " + i);
    }
  }

  @Test
  void measureAgainstOneFfmpegCommand() throws Exception {
    StringBuilder graph = new StringBuilder("[0:v]split=" + ladder.rungs().size());
    for (int i = 0; i < ladder.rungs().size(); i++) {
      graph.append("[v").append(i).append(']');
    }
    graph.append(';');
    List<String> args = new ArrayList<>();
    for (int i = 0; i < ladder.rungs().size(); i++) {
      Ladder.Rung r = ladder.rungs().get(i);
      graph
          .append("[v")
          .append(i)
          .append("]scale=")
          .append(r.width())
          .append(':')
          .append(r.height())
          .append("[o")
          .append(i)
          .append("];");
      args.addAll(
          List.of(
              "-map",
              "[o" + i + "]",
              "-c:v",
              "libx264",
              "-preset",
              ladder.x264Preset(),
              "-b:v",
              "" + r.bitrate(),
              "-maxrate",
              "" + r.maxBitrate(),
              "-bufsize",
              "" + r.bufferSize(),
              "-x264-params",
              "keyint=50:min-keyint=50:scenecut=0:open-gop=0",
              "-f",
              "mp4",
              tmp.resolve("ref" + i + ".mp4").toString()));
    }
    graph.setLength(graph.length() - 1);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Ff.ffmpeg().toString(),
                "-v",
                "error",
                "-y",
                "-i",
                source.toString(),
                "-filter_complex",
                graph.toString()));
    cmd.addAll(args);
    String script = String.join(" ", cmd.stream().map(a -> "'" + a + "'").toList()) + "; times";
    long t0 = System.nanoTime();
    String times = Ff.run(List.of("bash", "-c", script));
    long wallMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf(
        "MEASURE chunked JavaCV (2 chunks, %d rungs): wall %d ms, process CPU %d ms%n",
        ladder.rungs().size(), chunkWallMs, chunkCpuMs);
    System.out.printf(
        "MEASURE single ffmpeg command: wall %d ms, child CPU (user sys) %s%n",
        wallMs, Arrays.toString(times.lines().reduce((a, b) -> b).orElse("").split("\\s+")));
  }

  private static Path concatRung(String rung) throws Exception {
    Path dir = out.resolve(rung);
    List<Path> segs = new ArrayList<>();
    for (ChunkPlan.Segment s : plan.segments()) {
      segs.add(dir.resolve(ChunkTranscoder.segmentName(s.index())));
    }
    return Ff.concat(tmp.resolve(rung + "-all.mp4"), dir.resolve("init.mp4"), segs);
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
