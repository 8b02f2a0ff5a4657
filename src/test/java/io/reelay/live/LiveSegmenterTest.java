package io.reelay.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.cmaf.TrackInfo;
import io.reelay.testing.TestMedia;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiveSegmenterTest {
  private static TestMedia.Demuxed source;

  /** Everything the segmenter produced, per track. */
  static final class Collected implements LiveSegmenter.Output {
    final Map<LiveSegmenter.Track, byte[]> init = new EnumMap<>(LiveSegmenter.Track.class);
    final Map<LiveSegmenter.Track, List<LiveSegmenter.PartInfo>> parts =
        new EnumMap<>(LiveSegmenter.Track.class);
    final Map<LiveSegmenter.Track, List<byte[]>> partBytes =
        new EnumMap<>(LiveSegmenter.Track.class);
    final Map<LiveSegmenter.Track, List<LiveSegmenter.SegmentInfo>> segments =
        new EnumMap<>(LiveSegmenter.Track.class);
    final Map<LiveSegmenter.Track, List<byte[]>> segmentBytes =
        new EnumMap<>(LiveSegmenter.Track.class);

    @Override
    public void init(LiveSegmenter.Track track, TrackInfo info, byte[] bytes) {
      init.put(track, bytes);
    }

    @Override
    public void part(LiveSegmenter.Track track, LiveSegmenter.PartInfo part, byte[] bytes) {
      parts.computeIfAbsent(track, t -> new ArrayList<>()).add(part);
      partBytes.computeIfAbsent(track, t -> new ArrayList<>()).add(bytes);
    }

    @Override
    public void segment(LiveSegmenter.Track track, LiveSegmenter.SegmentInfo info, byte[] bytes) {
      segments.computeIfAbsent(track, t -> new ArrayList<>()).add(info);
      segmentBytes.computeIfAbsent(track, t -> new ArrayList<>()).add(bytes);
    }
  }

  @BeforeAll
  static void source() throws Exception {
    source = TestMedia.demux(TestMedia.sharedSource());
  }

  /** A segmenter with the test source's video (and audio) configuration announced. */
  static LiveSegmenter configured(
      Collected out, long segmentMs, long partMs, long firstMsn, boolean withAudio) {
    LiveSegmenter seg = new LiveSegmenter(out, segmentMs, partMs, firstMsn, true, withAudio);
    TestMedia.Stream v = source.video();
    seg.videoConfig(v.extradata(), v.width(), v.height());
    if (withAudio) {
      TestMedia.Stream a = source.audio();
      seg.audioConfig(a.extradata(), a.sampleRate(), a.channels());
    }
    return seg;
  }

  /** Feeds the demuxed packets as an RTMP publisher would: ms timestamps, interleaved. */
  static Collected feed(long segmentMs, long partMs, long firstMsn) {
    Collected out = new Collected();
    LiveSegmenter seg = configured(out, segmentMs, partMs, firstMsn, true);
    long offset = 200; // RTMP timestamps are non-negative; MP4 B-frame DTS start below zero
    for (TestMedia.Packet p : source.packets()) {
      TestMedia.Stream s = source.streams().get(p.stream());
      long dtsMs = offset + Math.floorDiv(p.dts() * 1000L * s.tbNum(), s.tbDen());
      if (s.video()) {
        int cts = (int) (Math.floorDiv(p.pts() * 1000L * s.tbNum(), s.tbDen()) + offset - dtsMs);
        seg.video(dtsMs, cts, p.key(), p.data());
      } else {
        seg.audio(dtsMs, p.data());
      }
    }
    seg.finish();
    return out;
  }

  @Test
  @DisplayName("video is cut at keyframes into ~2 s segments of parts within the part target")
  void cutsVideo() {
    Collected out = feed(2000, 500, 7);
    List<LiveSegmenter.SegmentInfo> segs = out.segments.get(LiveSegmenter.Track.VIDEO);
    assertEquals(2, segs.size(), segs.toString());
    assertEquals(7, segs.get(0).msn());
    assertEquals(8, segs.get(1).msn());
    assertEquals(2.0, segs.get(0).duration(), 0.001);
    for (LiveSegmenter.PartInfo p : out.parts.get(LiveSegmenter.Track.VIDEO)) {
      assertTrue(p.duration() <= 0.501 + 1e-9, "part within target (+1 ms timestamp slack): " + p);
      if (p.index() == 0) {
        assertTrue(p.independent(), "first part of a segment starts with an IDR: " + p);
      }
    }
  }

  @Test
  @DisplayName("a segment's bytes are exactly styp followed by its parts")
  void segmentIsItsParts() throws Exception {
    Collected out = feed(2000, 500, 0);
    for (LiveSegmenter.Track track : LiveSegmenter.Track.values()) {
      List<LiveSegmenter.PartInfo> parts = out.parts.get(track);
      List<byte[]> bytes = out.partBytes.get(track);
      int i = 0;
      for (int s = 0; s < out.segments.get(track).size(); s++) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        joined.write(io.reelay.cmaf.MediaSegment.styp());
        LiveSegmenter.SegmentInfo info = out.segments.get(track).get(s);
        for (int k = 0; k < info.parts(); k++, i++) {
          assertEquals(info.msn(), parts.get(i).msn());
          joined.write(bytes.get(i));
        }
        assertTrue(
            java.util.Arrays.equals(joined.toByteArray(), out.segmentBytes.get(track).get(s)),
            track + " segment " + s);
      }
    }
  }

  @Test
  @DisplayName("audio is cut at the same instants as video and both decode with ffmpeg")
  void audioAlignedAndDecodable(@TempDir Path dir) throws Exception {
    Collected out = feed(2000, 500, 0);
    List<LiveSegmenter.SegmentInfo> v = out.segments.get(LiveSegmenter.Track.VIDEO);
    List<LiveSegmenter.SegmentInfo> a = out.segments.get(LiveSegmenter.Track.AUDIO);
    assertEquals(v.size(), a.size());
    for (int i = 0; i < v.size() - 1; i++) {
      assertEquals(
          v.get(i).start() + v.get(i).duration(), a.get(i).start() + a.get(i).duration(), 0.03);
    }
    for (int i = 0; i < v.size() - 1; i++) {
      // (the stream's last segment may end with more audio than video, cut into parts of its own)
      assertEquals(v.get(i).parts(), a.get(i).parts(), "one audio part per video part in " + i);
    }
    for (LiveSegmenter.Track track : LiveSegmenter.Track.values()) {
      Path file = dir.resolve(track + ".mp4");
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      all.write(out.init.get(track));
      for (byte[] s : out.segmentBytes.get(track)) {
        all.write(s);
      }
      Files.write(file, all.toByteArray());
      TestMedia.Run r = TestMedia.decode(file);
      assertEquals(0, r.exit(), r.err());
      assertEquals("", r.err().trim());
    }
  }

  @Test
  @DisplayName("frames before the sequence header or the first keyframe are dropped, not fatal")
  void dropsUndecodableStart() {
    Collected out = new Collected();
    LiveSegmenter seg = new LiveSegmenter(out, 2000, 500, 0, true, false);
    assertTrue(!seg.video(0, 0, true, new byte[] {0, 0, 0, 1, 0x65}), "no config yet");
    TestMedia.Stream v = source.video();
    seg.videoConfig(v.extradata(), v.width(), v.height());
    assertTrue(!seg.video(10, 0, false, new byte[] {0, 0, 0, 1, 0x41}), "inter frame first");
    assertTrue(seg.video(20, 0, true, new byte[] {0, 0, 0, 1, 0x65}));
  }

  @Test
  @DisplayName("timestamps going backwards are repaired to keep decode order monotonic")
  void repairsBackwardsTimestamps() {
    Collected out = new Collected();
    LiveSegmenter seg = configured(out, 2000, 500, 0, false);
    seg.video(1000, 0, true, new byte[] {0, 0, 0, 1, 0x65});
    seg.video(1066, 0, false, new byte[] {0, 0, 0, 1, 0x41});
    seg.video(1033, 0, false, new byte[] {0, 0, 0, 1, 0x41});
    seg.video(1100, 0, false, new byte[] {0, 0, 0, 1, 0x41});
    seg.finish();
    assertEquals(1, seg.repairedTimestamps());
    assertEquals(1, out.segments.get(LiveSegmenter.Track.VIDEO).size());
  }

  @Test
  @DisplayName("announced audio that never comes shows as pending cuts, which the caller bounds")
  void missingAudioIsVisible() {
    Collected out = new Collected();
    LiveSegmenter seg = configured(out, 2000, 500, 0, true);
    TestMedia.Stream v = source.video();
    int before = 0;
    for (TestMedia.Packet p : v.packets()) {
      long dtsMs = 200 + Math.floorDiv(p.dts() * 1000L * v.tbNum(), v.tbDen());
      int cts = (int) (Math.floorDiv(p.pts() * 1000L * v.tbNum(), v.tbDen()) + 200 - dtsMs);
      seg.video(dtsMs, cts, p.key(), p.data());
      assertTrue(seg.pendingAudioCuts() >= before);
      before = seg.pendingAudioCuts();
    }
    // 4 s of video in 0.5 s parts, no audio: every cut is still waiting for audio.
    assertTrue(seg.pendingAudioCuts() >= 6, "pending " + seg.pendingAudioCuts());
    assertTrue(out.parts.get(LiveSegmenter.Track.AUDIO) == null);
  }

  @Test
  @DisplayName("a part is out as soon as the first frame after it arrives, not one frame later")
  void partsLeaveWithTheNextPartsFirstFrame() {
    Collected out = new Collected();
    LiveSegmenter seg = configured(out, 2000, 400, 0, false);
    // 25 fps: ten 40 ms frames fill a 400 ms part exactly; the eleventh starts the next part.
    for (int i = 0; i < 10; i++) {
      seg.video(1000 + i * 40L, 0, i == 0, new byte[] {0, 0, 0, 1, (byte) (i == 0 ? 0x65 : 0x41)});
    }
    assertTrue(out.parts.get(LiveSegmenter.Track.VIDEO) == null, "the part is not full yet");
    seg.video(1400, 0, false, new byte[] {0, 0, 0, 1, 0x41});
    List<LiveSegmenter.PartInfo> parts = out.parts.get(LiveSegmenter.Track.VIDEO);
    assertEquals(1, parts.size(), "the part left when its successor's first frame arrived");
    assertEquals(0.4, parts.get(0).duration(), 1e-9);
  }

  @Test
  @DisplayName("30 fps millisecond timestamps fill 2 s segments with five whole 0.4 s parts")
  void millisecondJitterDoesNotLeaveOneFrameParts() {
    Collected out = new Collected();
    LiveSegmenter seg = configured(out, 2000, 400, 0, false);
    // as FFmpeg's FLV muxer stamps 30 fps: 0, 33, 67, 100, ... (durations 33 or 34 ms)
    for (int i = 0; i <= 180; i++) {
      boolean key = i % 60 == 0;
      seg.video(
          Math.round(i * 1000 / 30.0), 0, key, new byte[] {0, 0, 0, 1, (byte) (key ? 0x65 : 0x41)});
    }
    List<LiveSegmenter.SegmentInfo> segs = out.segments.get(LiveSegmenter.Track.VIDEO);
    assertEquals(3, segs.size(), segs.toString());
    for (LiveSegmenter.SegmentInfo s : segs) {
      assertEquals(5, s.parts(), "five parts in " + s);
    }
    for (LiveSegmenter.PartInfo p : out.parts.get(LiveSegmenter.Track.VIDEO)) {
      assertEquals(0.4, p.duration(), 0.0015, "twelve frames in " + p);
    }
  }

  @Test
  @DisplayName("audio that outlasts video at the stream's end is still cut within the part target")
  void audioTailWithinPartTarget() {
    Collected out = new Collected();
    LiveSegmenter seg = configured(out, 1000, 500, 0, true);
    TestMedia.Stream a = source.audio();
    byte[] aac = new byte[] {0x21, 0x10, 0x04, 0x60, (byte) 0x8c, 0x1c};
    long frame = 0;
    for (int i = 0; i < 50; i++) { // 2 s of 25 fps video; audio leads it by 0.7 s
      seg.video(
          i * 40L, 0, i % 25 == 0, new byte[] {0, 0, 0, 1, (byte) (i % 25 == 0 ? 0x65 : 0x41)});
      for (; Math.round(frame * 1024000.0 / a.sampleRate()) <= i * 40L + 700; frame++) {
        seg.audio(Math.round(frame * 1024000.0 / a.sampleRate()), aac);
      }
    }
    seg.finish();
    for (LiveSegmenter.PartInfo p : out.parts.get(LiveSegmenter.Track.AUDIO)) {
      assertTrue(p.duration() <= 0.5 + 0.048 + 1e-9, "audio part within target + overhang: " + p);
    }
    assertEquals(
        out.segments.get(LiveSegmenter.Track.VIDEO).size(),
        out.segments.get(LiveSegmenter.Track.AUDIO).size(),
        "audio and video have the same segments");
  }
}
