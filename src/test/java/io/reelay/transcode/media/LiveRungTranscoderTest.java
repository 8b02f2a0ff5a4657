package io.reelay.transcode.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.cmaf.TrackInfo;
import io.reelay.live.LiveSegmenter;
import io.reelay.testing.TestMedia;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real live CMAF segments from the segmenter, transcoded by the real encoder. */
class LiveRungTranscoderTest {

  @Test
  @DisplayName(
      "every live source segment becomes a rung segment with the same tfdt, duration and "
          + "sample count, starting with a sync sample; the rung decodes end to end with ffmpeg")
  void rungSegmentsMirrorTheSource(@TempDir Path dir) throws Exception {
    TestMedia.Demuxed source = TestMedia.demux(TestMedia.sharedSource());
    List<byte[]> segments = new ArrayList<>();
    byte[][] init = new byte[1][];
    LiveSegmenter.Output out =
        new LiveSegmenter.Output() {
          @Override
          public void init(LiveSegmenter.Track track, TrackInfo info, byte[] bytes) {
            init[0] = bytes;
          }

          @Override
          public void part(LiveSegmenter.Track track, LiveSegmenter.PartInfo p, byte[] bytes) {}

          @Override
          public void segment(
              LiveSegmenter.Track track, LiveSegmenter.SegmentInfo s, byte[] bytes) {
            segments.add(bytes);
          }
        };
    LiveSegmenter segmenter = new LiveSegmenter(out, 1000, 500, 0, true, false);
    TestMedia.Stream v = source.video();
    segmenter.videoConfig(v.extradata(), v.width(), v.height());
    for (TestMedia.Packet p : source.packets()) {
      TestMedia.Stream s = source.streams().get(p.stream());
      if (!s.video()) {
        continue;
      }
      long dtsMs = 200 + Math.floorDiv(p.dts() * 1000L * s.tbNum(), s.tbDen());
      int cts = (int) (Math.floorDiv(p.pts() * 1000L * s.tbNum(), s.tbDen()) + 200 - dtsMs);
      segmenter.video(dtsMs, cts, p.key(), p.data());
    }
    segmenter.finish();
    assertTrue(segments.size() >= 3, "segments: " + segments.size());
    List<LiveRungTranscoder.Rung> ladder =
        List.of(
            new LiveRungTranscoder.Rung("180p", 180, 300),
            new LiveRungTranscoder.Rung("720p", 720, 3000));
    ByteArrayOutputStream rung = new ByteArrayOutputStream();
    for (byte[] seg : segments) {
      List<LiveRungTranscoder.Output> outputs =
          LiveRungTranscoder.transcode(init[0], seg, ladder, "ultrafast", dir);
      assertEquals(1, outputs.size(), "only rungs below the 240p source");
      LiveRungTranscoder.Output o = outputs.get(0);
      assertEquals(180, o.height());
      assertEquals(240, o.width());
      List<FragmentSamples.Entry> src = FragmentSamples.read(seg);
      List<FragmentSamples.Entry> dst = FragmentSamples.read(o.segment());
      assertEquals(src.size(), dst.size());
      assertEquals(src.get(0).decodeTime(), dst.get(0).decodeTime());
      long srcEnd = src.get(src.size() - 1).decodeTime() + src.get(src.size() - 1).duration();
      long dstEnd = dst.get(dst.size() - 1).decodeTime() + dst.get(dst.size() - 1).duration();
      assertEquals(srcEnd, dstEnd);
      assertTrue(dst.get(0).sync());
      assertTrue(dst.stream().skip(1).noneMatch(FragmentSamples.Entry::sync), "one IDR only");
      if (rung.size() == 0) {
        rung.write(o.init());
      }
      rung.write(o.segment());
    }
    Path file = dir.resolve("rung.mp4");
    Files.write(file, rung.toByteArray());
    TestMedia.Run run = TestMedia.decode(file);
    assertEquals(0, run.exit(), run.err());
    try (var listing = Files.list(dir)) {
      assertEquals(List.of(file), listing.toList(), "temporary files are removed");
    }
  }
}
