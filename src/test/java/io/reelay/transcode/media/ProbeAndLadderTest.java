package io.reelay.transcode.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeAndLadderTest {
  @TempDir static Path tmp;
  static final LadderConfig CONFIG = LadderConfig.defaults();

  @BeforeAll
  static void quiet() {
    Ff.quietNativeLogs();
  }

  private static List<String> sizes(Ladder ladder) {
    return ladder.rungs().stream().map(r -> r.width() + "x" + r.height()).toList();
  }

  @Test
  void landscape720pWithAudio() throws Exception {
    MediaInfo info = MediaProbe.probe(Ff.clip(tmp, "l720.mp4", 1280, 720, "25", 2, true));
    assertEquals("mov,mp4,m4a,3gp,3g2,mj2", info.format());
    assertEquals(2.0, info.durationSeconds(), 0.05);
    assertTrue(info.bitRate() > 0);
    MediaInfo.Video v = info.video();
    assertEquals("h264", v.codec());
    assertEquals(1280, v.width());
    assertEquals(720, v.height());
    assertEquals(0, v.rotation());
    assertEquals(Rational.of(25, 1), v.frameRate());
    assertFalse(v.variableFrameRate());
    MediaInfo.Audio a = info.audio();
    assertEquals("aac", a.codec());
    assertEquals("LC", a.profile());
    assertEquals(48_000, a.sampleRate());
    assertEquals(2, a.channels());
    assertEquals("stereo", a.channelLayout());
    Ladder ladder = LadderPlanner.plan(info, CONFIG);
    assertEquals(List.of("1280x720", "854x480", "640x360"), sizes(ladder));
    assertEquals(
        List.of(3_000_000, 1_200_000, 730_000),
        ladder.rungs().stream().map(Ladder.Rung::bitrate).toList());
    assertTrue(ladder.audio().copy(), "AAC-LC stereo in MP4 is copied");
  }

  @Test
  void portraitStaysPortrait() throws Exception {
    MediaInfo info = MediaProbe.probe(Ff.clip(tmp, "p.mp4", 360, 640, "25", 1, false));
    assertEquals(360, info.video().displayWidth());
    assertEquals(640, info.video().displayHeight());
    assertNull(info.audio());
    Ladder ladder = LadderPlanner.plan(info, CONFIG);
    assertEquals(List.of("360x640"), sizes(ladder));
    assertNull(ladder.audio());
  }

  @Test
  void fourByThree() throws Exception {
    MediaInfo info = MediaProbe.probe(Ff.clip(tmp, "43.mp4", 640, 480, "25", 1, false));
    assertEquals(List.of("640x480", "480x360"), sizes(LadderPlanner.plan(info, CONFIG)));
  }

  @Test
  void oddDimensionsBelowLowestRungGiveOneEvenRung() throws Exception {
    MediaInfo info =
        MediaProbe.probe(
            Ff.clip(
                tmp,
                "odd.mp4",
                320,
                240,
                "25",
                1,
                false,
                "-vf",
                "scale=321:241",
                "-pix_fmt",
                "yuv444p"));
    assertEquals(321, info.video().width());
    assertEquals(241, info.video().height());
    Ladder ladder = LadderPlanner.plan(info, CONFIG);
    assertEquals(List.of("320x240"), sizes(ladder));
  }

  @Test
  void anamorphicUsesDisplayAspect() throws Exception {
    MediaInfo info =
        MediaProbe.probe(Ff.clip(tmp, "sar.mp4", 720, 576, "25", 1, false, "-vf", "setsar=64/45"));
    assertEquals(Rational.of(64, 45), info.video().sampleAspect());
    assertEquals(1024, info.video().displayWidth());
    assertEquals(List.of("854x480", "640x360"), sizes(LadderPlanner.plan(info, CONFIG)));
  }

  @Test
  void ntscRateIsKeptAndHighRateIsCapped() throws Exception {
    MediaInfo ntsc = MediaProbe.probe(Ff.clip(tmp, "5994.mp4", 640, 360, "60000/1001", 1, false));
    assertEquals(Rational.of(60000, 1001), ntsc.video().frameRate());
    Ladder l1 = LadderPlanner.plan(ntsc, CONFIG);
    assertEquals(Rational.of(60000, 1001), l1.frameRate());
    // Apple's ladder asks for more bits at high frame rates.
    assertEquals(949_000, l1.rungs().get(0).bitrate());
    MediaInfo fast = MediaProbe.probe(Ff.clip(tmp, "120.mp4", 320, 180, "120", 1, false));
    assertEquals(Rational.of(120, 1), fast.video().frameRate());
    Ladder l2 = LadderPlanner.plan(fast, CONFIG);
    assertEquals(Rational.of(60, 1), l2.frameRate());
    assertEquals(List.of("320x180"), sizes(l2));
  }

  @Test
  void displayRotationMakesPortrait() throws Exception {
    Path src = Ff.clip(tmp, "rot-src.mp4", 640, 360, "25", 1, false);
    Path rot = tmp.resolve("rot.mp4");
    Ff.ffmpeg("-display_rotation", "90", "-i", src.toString(), "-c", "copy", rot.toString());
    MediaInfo info = MediaProbe.probe(rot);
    assertTrue(
        info.video().rotation() == 90 || info.video().rotation() == 270,
        "rotation " + info.video().rotation());
    assertEquals(640, info.video().width());
    assertEquals(360, info.video().displayWidth());
    assertEquals(640, info.video().displayHeight());
    Ladder ladder = LadderPlanner.plan(info, CONFIG);
    assertEquals(List.of("360x640"), sizes(ladder));
    assertEquals(info.video().rotation(), ladder.rotation());
  }

  @Test
  void audioOnly() throws Exception {
    Path m4a = tmp.resolve("a.m4a");
    Ff.ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:sample_rate=44100:d=2",
        "-ac",
        "1",
        "-c:a",
        "aac",
        m4a.toString());
    MediaInfo info = MediaProbe.probe(m4a);
    assertNull(info.video());
    assertEquals(44_100, info.audio().sampleRate());
    assertEquals(1, info.audio().channels());
    assertEquals("mono", info.audio().channelLayout());
    Ladder ladder = LadderPlanner.plan(info, CONFIG);
    assertTrue(ladder.rungs().isEmpty());
    assertNotNull(ladder.audio());
    assertTrue(ladder.audio().copy());
    Ladder noCopy = LadderPlanner.plan(info, CONFIG.withAudioCopy(false));
    assertEquals(2, noCopy.audio().channels());
    assertEquals(44_100, noCopy.audio().sampleRate());
    assertEquals(128_000, noCopy.audio().bitrate());
  }

  @Test
  void customRungListAndNoUpscale() throws Exception {
    MediaInfo info = MediaProbe.probe(Ff.clip(tmp, "c.mp4", 854, 480, "30", 1, false));
    LadderConfig cfg =
        CONFIG.withRungs(
            List.of(
                new LadderConfig.RungSpec("1080p", 1080, 6000),
                new LadderConfig.RungSpec("540p", 540, 2000),
                new LadderConfig.RungSpec("270p", 270, 400)));
    assertEquals(List.of("480x270"), sizes(LadderPlanner.plan(info, cfg)));
  }

  @Test
  void textRenamedMp4IsRejected() throws Exception {
    Path f = tmp.resolve("notes.mp4");
    Files.writeString(f, "this is not a video\n".repeat(200), StandardCharsets.UTF_8);
    MediaException e = assertThrows(MediaException.class, () -> MediaProbe.probe(f));
    assertTrue(e.getMessage().contains("notes.mp4"), e.getMessage());
  }

  @Test
  void zeroBytesIsRejected() throws Exception {
    Path f = Files.createFile(tmp.resolve("empty.mp4"));
    MediaException e = assertThrows(MediaException.class, () -> MediaProbe.probe(f));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
  }

  @Test
  void truncatedMp4IsRejected() throws Exception {
    Path full = Ff.clip(tmp, "full.mp4", 320, 180, "25", 2, false);
    byte[] bytes = Files.readAllBytes(full);
    Path cut = tmp.resolve("cut.mp4");
    Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
    MediaException e = assertThrows(MediaException.class, () -> MediaProbe.probe(cut));
    assertTrue(e.getMessage().contains("cut.mp4"), e.getMessage());
  }

  @Test
  void truncatedFaststartMp4IsRejected() throws Exception {
    // The index survives the cut here, so opening and decoding the first frame both succeed.
    Path full = Ff.clip(tmp, "fs.mp4", 320, 180, "25", 2, false, "-movflags", "+faststart");
    byte[] bytes = Files.readAllBytes(full);
    Path cut = tmp.resolve("fs-cut.mp4");
    Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
    MediaException e = assertThrows(MediaException.class, () -> MediaProbe.probe(cut));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void pngIsRejectedAsStillImage() throws Exception {
    Path png = tmp.resolve("still.png");
    Ff.ffmpeg("-f", "lavfi", "-i", "testsrc2=s=64x64", "-frames:v", "1", png.toString());
    Path disguised = tmp.resolve("still.mp4");
    Files.copy(png, disguised);
    for (Path p : List.of(png, disguised)) {
      MediaException e = assertThrows(MediaException.class, () -> MediaProbe.probe(p));
      assertTrue(e.getMessage().contains("still image"), e.getMessage());
    }
  }

  @Test
  void chunkPlanUsesWholeSegments() {
    ChunkPlan plan = ChunkPlan.create(10.0, Rational.of(25, 1), 4.0, 2);
    assertEquals(250, plan.totalFrames());
    assertEquals(100, plan.segmentFrames());
    assertEquals(
        List.of(100, 100, 50),
        plan.segments().stream().map(ChunkPlan.Segment::frameCount).toList());
    assertEquals(2, plan.chunks().size());
    assertEquals(200, plan.chunks().get(0).frameCount());
    assertEquals(2, plan.chunks().get(1).firstSegment());
    assertEquals(1, plan.chunks().get(1).segmentCount());
    assertEquals(8.0, plan.chunks().get(1).startSeconds(), 1e-9);
    ChunkPlan ntsc = ChunkPlan.create(9.0, Rational.of(30000, 1001), 4.0, 3);
    assertEquals(120, ntsc.segmentFrames());
    assertEquals(4.004, ntsc.segments().get(0).durationSeconds(), 1e-9);
    // A short first chunk, then whole chunks: segments 0 | 1 2 | 3 4 | 5.
    ChunkPlan quick = ChunkPlan.create(21.0, Rational.of(25, 1), 4.0, 2, 1);
    assertEquals(
        List.of(1, 2, 2, 1), quick.chunks().stream().map(ChunkPlan.Chunk::segmentCount).toList());
    assertEquals(
        List.of(0, 1, 3, 5), quick.chunks().stream().map(ChunkPlan.Chunk::firstSegment).toList());
    assertEquals(100, quick.chunks().get(1).startFrame());
  }
}
