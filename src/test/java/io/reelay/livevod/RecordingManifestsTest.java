package io.reelay.livevod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.hls.HlsParser;
import io.reelay.hls.MediaPlaylist;
import io.reelay.hls.Segment;
import io.reelay.livevod.ArchivedRecording.Piece;
import io.reelay.livevod.ArchivedRecording.Run;
import io.reelay.livevod.ArchivedRecording.Track;
import io.reelay.transcode.media.SegmentFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The manifests of a recording with a reconnect (new init generation at msn 3) and a rung that lost
 * a segment (msn 5 of 360p): where players must restart their decoder.
 */
class RecordingManifestsTest {
  private static final SegmentFacts.Track SOURCE =
      new SegmentFacts.Track(true, "avc1.64001f", 90_000, 1280, 720, 0, 0);
  private static final SegmentFacts.Track RUNG =
      new SegmentFacts.Track(true, "avc1.42c01e", 90_000, 640, 360, 0, 0);
  private static final SegmentFacts.Track AUDIO =
      new SegmentFacts.Track(false, "mp4a.40.2", 48_000, 0, 0, 48_000, 2);

  /** msn 0..7, 2 s each; generation 0 until msn 2, 1 from msn 3 (timestamps restart). */
  private static List<Piece> pieces(long timescale, long skip) {
    List<Piece> out = new ArrayList<>();
    for (long msn = 0; msn < 8; msn++) {
      if (msn == skip) {
        continue;
      }
      int gen = msn < 3 ? 0 : 1;
      long t = (gen == 0 ? msn : msn - 3) * 2 * timescale;
      out.add(new Piece(msn, gen, t, 2 * timescale, 100_000, 10_000));
    }
    return out;
  }

  private static ArchivedRecording recording() {
    return new ArchivedRecording(
        List.of(
            new Track("source", Map.of(0, SOURCE, 1, SOURCE), pieces(90_000, -1)),
            new Track("360p", Map.of(0, RUNG, 1, RUNG), pieces(90_000, 5)),
            new Track("audio", Map.of(0, AUDIO, 1, AUDIO), pieces(48_000, -1))));
  }

  @Test
  @DisplayName(
      "HLS: a discontinuity and a new EXT-X-MAP at the reconnect, a discontinuity after a gap")
  void hlsDiscontinuities() {
    Map<String, String> hls = RecordingManifests.hls(recording());
    assertTrue(hls.containsKey("master.m3u8"));
    MediaPlaylist source = HlsParser.parseMedia(hls.get("source/index.m3u8"));
    assertTrue(source.endList());
    assertEquals("init-0.mp4", source.map().uri());
    List<Segment> s = source.segments();
    assertEquals(8, s.size());
    assertEquals(16.0, s.stream().mapToDouble(Segment::duration).sum(), 1e-9);
    assertFalse(s.get(2).discontinuity());
    assertTrue(s.get(3).discontinuity());
    assertEquals("init-1.mp4", s.get(3).map().uri());
    assertEquals("seg-00003.m4s", s.get(3).uri());

    MediaPlaylist rung = HlsParser.parseMedia(hls.get("360p/index.m3u8"));
    List<Segment> r = rung.segments();
    assertEquals(7, r.size(), "the lost segment is not listed");
    assertEquals("seg-00006.m4s", r.get(5).uri());
    assertTrue(r.get(5).discontinuity(), "playback restarts after the gap");
    assertNull(r.get(5).map(), "same encoder session: same init");

    String master = hls.get("master.m3u8");
    assertTrue(master.contains("RESOLUTION=1280x720"), master);
    assertTrue(master.contains("RESOLUTION=640x360"), master);
    assertTrue(master.contains("CODECS=\"avc1.64001f,mp4a.40.2\""), master);
  }

  @Test
  @DisplayName("DASH: one Period per run, split at the reconnect and around the rung's gap")
  void dashPeriods() {
    ArchivedRecording rec = recording();
    List<Run> runs = rec.runs();
    assertEquals(
        List.of(0L, 3L, 5L, 6L), runs.stream().map(Run::firstMsn).toList(), runs.toString());
    assertFalse(runs.get(2).generations().containsKey("360p"), "the gap's Period has no 360p");
    String mpd = RecordingManifests.dash(rec);
    assertEquals(4, mpd.split("<Period").length - 1, mpd);
    assertTrue(mpd.contains("initialization=\"source/init-1.mp4\""), mpd);
    assertTrue(mpd.contains("startNumber=\"6\""), mpd);
    assertTrue(mpd.contains("mediaPresentationDuration=\"PT16S\""), mpd);
    // Timestamps restart with the new encoder: the Period maps them back onto the timeline.
    assertTrue(mpd.contains("start=\"PT6S\""), mpd);
  }
}
