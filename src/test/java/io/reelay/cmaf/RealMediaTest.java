package io.reelay.cmaf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.testing.TestMedia;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end: real x264 (with B-frames) and AAC packets, packaged by the writer, decoded by
 * ffmpeg/ffprobe.
 */
class RealMediaTest {
  private static final int VIDEO_FRAMES = 120; // 4 s at 30 fps

  @TempDir static Path dir;

  static TestMedia.Demuxed source;
  static Packager.Packaged video;
  static Packager.Packaged audio;
  static Path videoFile;
  static Path audioFile;

  @BeforeAll
  static void packageSource() throws Exception {
    source = TestMedia.demux(TestMedia.sharedSource());
    int shift = Packager.shiftThirtieths(source);
    TrackInfo vt = Packager.track(source.video(), 1);
    TrackInfo at = Packager.track(source.audio(), 1);
    // Parts of at most 1/3 s, like an LL-HLS PART-TARGET of 0.334.
    video =
        Packager.packageVideo(vt, Packager.samples(source.video(), vt.timescale(), shift), 30_000);
    audio =
        Packager.packageAudio(
            at, Packager.samples(source.audio(), at.timescale(), shift), video, at.timescale() / 3);
    videoFile = write(video, "video");
    audioFile = write(audio, "audio");
  }

  /** Writes init, each segment alone (init + segment) and the whole track; returns the latter. */
  private static Path write(Packager.Packaged p, String name) throws IOException {
    byte[] init = new InitSegment(p.track()).toBytes();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.write(init);
    for (int i = 0; i < p.segments().size(); i++) {
      byte[] seg = p.segments().get(i).toBytes();
      all.write(seg);
      ByteArrayOutputStream one = new ByteArrayOutputStream();
      one.write(init);
      one.write(seg);
      Files.write(dir.resolve(name + "_seg" + i + ".mp4"), one.toByteArray());
    }
    Path out = dir.resolve(name + ".mp4");
    Files.write(out, all.toByteArray());
    String keep = System.getProperty("cmaf.keepDir"); // debugging aid: -Dcmaf.keepDir=/tmp/x
    if (keep != null) {
      Files.createDirectories(Path.of(keep));
      Files.write(Path.of(keep, name + ".mp4"), all.toByteArray());
    }
    return out;
  }

  @Test
  void sourceHasExpectedShape() {
    assertEquals(VIDEO_FRAMES, source.video().packets().size());
    assertTrue(
        source.video().packets().stream().anyMatch(p -> p.pts() != p.dts()),
        "source must have B-frames so composition offsets matter");
    assertEquals("avc1.64000d", video.track().codecs());
    assertEquals("mp4a.40.2", audio.track().codecs());
  }

  @Test
  void segmentsAreOneSecondAndStartWithKeyframes() {
    assertEquals(4, video.segments().size());
    assertEquals(4, audio.segments().size());
    for (MediaSegment s : video.segments()) {
      assertTrue(s.independent());
      assertEquals(90_000, s.duration());
      assertEquals(3, s.fragments().size()); // three 1/3 s parts
    }
  }

  @Test
  void partsConcatenateToSegment() throws IOException {
    for (Packager.Packaged p : List.of(video, audio)) {
      for (MediaSegment s : p.segments()) {
        ByteArrayOutputStream cat = new ByteArrayOutputStream();
        cat.write(MediaSegment.styp());
        for (byte[] part : s.partBytes()) {
          cat.write(part);
        }
        assertArrayEquals(s.toBytes(), cat.toByteArray());
        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        s.writeTo(streamed);
        assertArrayEquals(s.toBytes(), streamed.toByteArray());
      }
    }
  }

  @Test
  void ffmpegDecodesWithoutErrors() throws Exception {
    for (Path f : List.of(videoFile, audioFile)) {
      TestMedia.Run r =
          TestMedia.run(
              List.of(
                  TestMedia.ffmpeg(),
                  "-v",
                  "error",
                  "-xerror",
                  "-i",
                  f.toString(),
                  "-f",
                  "null",
                  "-"));
      assertEquals(0, r.exit(), r.err());
      assertEquals("", r.err().strip(), "ffmpeg reported: " + r.err());
    }
  }

  @Test
  void ffprobeSeesStreamParameters() throws Exception {
    Map<String, String> v =
        probeEntries(videoFile, "stream=codec_name,profile,width,height").get(0);
    assertEquals("h264", v.get("codec_name"));
    assertEquals("320", v.get("width"));
    assertEquals("240", v.get("height"));
    Map<String, String> a =
        probeEntries(audioFile, "stream=codec_name,profile,sample_rate,channels").get(0);
    assertEquals("aac", a.get("codec_name"));
    assertEquals("LC", a.get("profile"));
    assertEquals("48000", a.get("sample_rate"));
    assertEquals("2", a.get("channels"));
  }

  @Test
  void videoTimestampsMatchSource() throws Exception {
    checkPackets(videoFile, video);
    List<Map<String, String>> frames = probeEntries(videoFile, "frame=pts,key_frame");
    assertEquals(VIDEO_FRAMES, frames.size());
    List<Long> framePts = frames.stream().map(m -> Long.parseLong(m.get("pts"))).toList();
    List<Long> expected = sortedPts(video.samples());
    assertEquals(expected, framePts.stream().sorted().toList());
    assertEquals(6000L, expected.get(0)); // 2 B-frame delay shift (1/15 s) at 90 kHz
    assertEquals(6000L + 119 * 3000L, expected.get(expected.size() - 1));
  }

  @Test
  void audioTimestampsMatchSource() throws Exception {
    checkPackets(audioFile, audio);
    List<Map<String, String>> frames = probeEntries(audioFile, "frame=pts");
    assertEquals(source.audio().packets().size(), frames.size());
    assertEquals(
        sortedPts(audio.samples()),
        frames.stream().map(m -> Long.parseLong(m.get("pts"))).sorted().toList());
  }

  @Test
  void everySegmentDecodesOnItsOwnFromAKeyframe() throws Exception {
    for (int i = 0; i < video.segments().size(); i++) {
      Path f = dir.resolve("video_seg" + i + ".mp4");
      TestMedia.Run r =
          TestMedia.run(
              List.of(
                  TestMedia.ffmpeg(),
                  "-v",
                  "error",
                  "-xerror",
                  "-i",
                  f.toString(),
                  "-f",
                  "null",
                  "-"));
      assertEquals("", r.err().strip(), "segment " + i + ": " + r.err());
      List<Map<String, String>> packets = probeEntries(f, "packet=flags");
      assertTrue(packets.get(0).get("flags").startsWith("K"), "segment " + i + " starts with K");
      List<Map<String, String>> frames = probeEntries(f, "frame=key_frame");
      assertEquals(30, frames.size(), "segment " + i + " decodes all frames");
    }
    for (int i = 0; i < audio.segments().size(); i++) {
      Path f = dir.resolve("audio_seg" + i + ".mp4");
      TestMedia.Run r =
          TestMedia.run(
              List.of(
                  TestMedia.ffmpeg(),
                  "-v",
                  "error",
                  "-xerror",
                  "-i",
                  f.toString(),
                  "-f",
                  "null",
                  "-"));
      assertEquals("", r.err().strip(), "audio segment " + i + ": " + r.err());
    }
  }

  @Test
  void audioAndVideoDurationsAgree() throws Exception {
    double vStart = seconds(video.samples().get(0).presentationTime(), 90_000);
    double vEnd = endSeconds(video);
    double aStart = seconds(audio.samples().get(0).presentationTime(), 48_000);
    double aEnd = endSeconds(audio);
    double aacFrame = 1024.0 / 48_000;
    assertEquals(vEnd, aEnd, aacFrame, "tracks end together");
    // Audio starts one AAC priming frame early (no edit list), otherwise durations match.
    assertEquals(vEnd - vStart, aEnd - aStart, 1.5 * aacFrame);
    assertEquals(4.0, vEnd - vStart, 1e-9);

    // The same from ffprobe's decoded frames (its container "duration" is the last decode time,
    // which differs between tracks by the B-frame delay, so it is not compared).
    assertEquals(vStart, probeStartSeconds(videoFile), 1e-6);
    assertEquals(aStart, probeStartSeconds(audioFile), 1e-6);
    assertEquals(vEnd, probeEndSeconds(videoFile), 1e-6);
    assertEquals(aEnd, probeEndSeconds(audioFile), 1e-6);
  }

  private static double probeStartSeconds(Path f) throws Exception {
    return Double.parseDouble(probeEntries(f, "stream=start_time").get(0).get("start_time"));
  }

  private static double probeEndSeconds(Path f) throws Exception {
    double end = 0;
    for (Map<String, String> m : probeEntries(f, "frame=pts_time,duration_time")) {
      end =
          Math.max(
              end,
              Double.parseDouble(m.get("pts_time")) + Double.parseDouble(m.get("duration_time")));
    }
    return end;
  }

  private static double endSeconds(Packager.Packaged p) {
    long end = 0;
    for (Sample s : p.samples()) {
      end = Math.max(end, s.presentationTime() + s.duration());
    }
    return seconds(end, p.track().timescale());
  }

  private static double seconds(long ticks, int timescale) {
    return (double) ticks / timescale;
  }

  private static List<Long> sortedPts(List<Sample> samples) {
    return samples.stream().map(Sample::presentationTime).sorted().toList();
  }

  /** Packet-level check: exact DTS/PTS/duration, and K exactly at segment starts. */
  private static void checkPackets(Path file, Packager.Packaged p) throws Exception {
    List<Map<String, String>> packets = probeEntries(file, "packet=pts,dts,duration,flags");
    List<Sample> samples = p.samples();
    assertEquals(samples.size(), packets.size());
    List<Long> segStarts = new ArrayList<>();
    for (MediaSegment s : p.segments()) {
      segStarts.add(s.baseDecodeTime());
    }
    for (int i = 0; i < samples.size(); i++) {
      Sample s = samples.get(i);
      Map<String, String> pk = packets.get(i);
      assertEquals(s.decodeTime(), Long.parseLong(pk.get("dts")), "dts of " + i);
      assertEquals(s.presentationTime(), Long.parseLong(pk.get("pts")), "pts of " + i);
      assertEquals(s.duration(), Long.parseLong(pk.get("duration")), "duration of " + i);
      boolean key = pk.get("flags").startsWith("K");
      assertEquals(s.sync(), key, "key flag of " + i);
      if (segStarts.contains(s.decodeTime())) {
        assertTrue(key, "segment start " + i + " must be a keyframe");
      }
    }
  }

  /** Runs ffprobe on the first stream and returns one key=value map per entry. */
  private static List<Map<String, String>> probeEntries(Path file, String entries)
      throws Exception {
    TestMedia.Run r =
        TestMedia.run(
            List.of(
                TestMedia.ffprobe(),
                "-v",
                "error",
                "-select_streams",
                "0",
                "-show_entries",
                entries,
                "-of",
                "compact",
                file.toString()));
    assertEquals(0, r.exit(), r.err());
    assertEquals("", r.err().strip(), "ffprobe reported: " + r.err());
    List<Map<String, String>> out = new ArrayList<>();
    for (String line : r.out().split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      Map<String, String> m = new HashMap<>();
      String[] fields = line.split("\\|");
      for (int i = 1; i < fields.length; i++) {
        int eq = fields[i].indexOf('=');
        m.put(fields[i].substring(0, eq), fields[i].substring(eq + 1));
      }
      out.add(m);
    }
    return out;
  }
}
