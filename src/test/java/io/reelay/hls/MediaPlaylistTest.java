package io.reelay.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MediaPlaylistTest {

  private static final HlsNaming N = HlsNaming.DEFAULT;
  private static final Instant T0 = Instant.parse("2026-11-21T15:00:00.250Z");

  static MediaPlaylist vod() {
    return MediaPlaylist.builder()
        .targetDuration(6)
        .playlistType(PlaylistType.VOD)
        .independentSegments(true)
        .map(InitMap.of(N.initUri()))
        .addSegment(Segment.of(N.segmentUri(0), 6.006))
        .addSegment(Segment.of(N.segmentUri(1), 6.006))
        .addSegment(Segment.of(N.segmentUri(2), 2.5))
        .endList(true)
        .build();
  }

  /** Eight 4 s segments (msn 100..107), parts on the last two, two parts of 108 so far. */
  static MediaPlaylist liveLowLatency() {
    MediaPlaylist.Builder b =
        MediaPlaylist.builder()
            .targetDuration(4)
            .mediaSequence(100)
            .discontinuitySequence(3)
            .serverControl(
                new ServerControl(true, 24.0, false, 12.0, 3.0)) // 3x part target, 6x/3x target
            .partTarget(1.0)
            .map(InitMap.of(N.initUri()));
    for (long msn = 100; msn < 108; msn++) {
      Segment s =
          Segment.of(N.segmentUri(msn), 4.0).withProgramDateTime(T0.plusSeconds(4 * (msn - 100)));
      if (msn >= 106) {
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          parts.add(Part.of(N.partUri(msn, i), 1.0, i == 0));
        }
        s = s.withParts(parts);
      }
      b.addSegment(s);
    }
    return b.addTrailingPart(Part.of(N.partUri(108, 0), 1.0, true))
        .addTrailingPart(Part.of(N.partUri(108, 1), 1.0, false))
        .preloadHint(PreloadHint.part(N.partUri(108, 2)))
        .addRenditionReport(new RenditionReport(N.renditionReportUri("1080p"), 108L, 1))
        .addRenditionReport(new RenditionReport(N.renditionReportUri("audio-en"), 108L, 1))
        .build();
  }

  @Test
  void vodText() {
    String text = vod().toM3u8();
    assertEquals(
        String.join(
            "\n",
            "#EXTM3U",
            "#EXT-X-VERSION:7",
            "#EXT-X-TARGETDURATION:6",
            "#EXT-X-MEDIA-SEQUENCE:0",
            "#EXT-X-DISCONTINUITY-SEQUENCE:0",
            "#EXT-X-PLAYLIST-TYPE:VOD",
            "#EXT-X-INDEPENDENT-SEGMENTS",
            "#EXT-X-MAP:URI=\"init.mp4\"",
            "#EXTINF:6.006,",
            "seg-00000.m4s",
            "#EXTINF:6.006,",
            "seg-00001.m4s",
            "#EXTINF:2.500,",
            "seg-00002.m4s",
            "#EXT-X-ENDLIST",
            ""),
        text);
  }

  @Test
  void vodRoundTrips() {
    MediaPlaylist p = vod();
    assertEquals(p, HlsParser.parseMedia(p.toM3u8()));
  }

  @Test
  void eventRoundTripsWithDiscontinuityGapAndNewInit() {
    MediaPlaylist p =
        MediaPlaylist.builder()
            .targetDuration(4)
            .playlistType(PlaylistType.EVENT)
            .map(InitMap.of("init.mp4"))
            .addSegment(Segment.of("seg-00000.m4s", 4.0).withProgramDateTime(T0))
            .addSegment(Segment.of("seg-00001.m4s", 4.0).withGap())
            .addSegment(
                Segment.of("seg-00002.m4s", 3.2)
                    .withDiscontinuity()
                    .withMap(InitMap.of("init-2.mp4"))
                    .withProgramDateTime(T0.plusSeconds(60)))
            .addSegment(Segment.of("seg-00003.m4s", 4.0).withMap(InitMap.of("init-2.mp4")))
            .build();
    // A repeated map is dropped by normalisation: it changes nothing.
    assertNull(p.segments().get(3).map());
    String text = p.toM3u8();
    assertTrue(text.contains("#EXT-X-PLAYLIST-TYPE:EVENT\n"));
    assertTrue(text.contains("#EXT-X-PROGRAM-DATE-TIME:2026-11-21T15:00:00.250Z\n"));
    assertTrue(text.contains("#EXT-X-GAP\n#EXTINF:4.000,\nseg-00001.m4s\n"));
    assertTrue(
        text.contains(
            "#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"init-2.mp4\"\n"
                + "#EXT-X-PROGRAM-DATE-TIME:2026-11-21T15:01:00.250Z\n#EXTINF:3.200,\n"));
    assertFalse(text.contains("#EXT-X-ENDLIST"));
    assertEquals(1, text.split("init-2.mp4", -1).length - 1);
    assertEquals(p, HlsParser.parseMedia(text));
  }

  @Test
  void slidingWindowLiveHasNoPlaylistType() {
    MediaPlaylist p =
        MediaPlaylist.builder()
            .mediaSequence(42)
            .targetDuration(4)
            .addSegment(Segment.of("seg-00042.m4s", 4.0))
            .build();
    assertFalse(p.toM3u8().contains("PLAYLIST-TYPE"));
    assertEquals(p, HlsParser.parseMedia(p.toM3u8()));
    assertEquals(42, p.lastMediaSequence());
  }

  @Test
  void lowLatencyText() {
    String text = liveLowLatency().toM3u8();
    List<String> lines = text.lines().toList();
    assertEquals("#EXT-X-VERSION:7", lines.get(1));
    assertEquals("#EXT-X-TARGETDURATION:4", lines.get(2));
    assertEquals(
        "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=24.000,"
            + "HOLD-BACK=12.000,PART-HOLD-BACK=3.000",
        lines.get(3));
    assertEquals("#EXT-X-PART-INF:PART-TARGET=1.000", lines.get(4));
    assertEquals("#EXT-X-MEDIA-SEQUENCE:100", lines.get(5));
    assertEquals("#EXT-X-DISCONTINUITY-SEQUENCE:3", lines.get(6));
    assertTrue(
        text.contains(
            "#EXT-X-PART:DURATION=1.000,URI=\"seg-00106.0.m4s\",INDEPENDENT=YES\n"
                + "#EXT-X-PART:DURATION=1.000,URI=\"seg-00106.1.m4s\"\n"));
    assertTrue(
        text.contains(
            "#EXT-X-PART:DURATION=1.000,URI=\"seg-00107.3.m4s\"\n"
                + "#EXTINF:4.000,\n"
                + "seg-00107.m4s\n"
                + "#EXT-X-PART:DURATION=1.000,URI=\"seg-00108.0.m4s\",INDEPENDENT=YES\n"
                + "#EXT-X-PART:DURATION=1.000,URI=\"seg-00108.1.m4s\"\n"
                + "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"seg-00108.2.m4s\"\n"
                + "#EXT-X-RENDITION-REPORT:URI=\"../1080p/index.m3u8\","
                + "LAST-MSN=108,LAST-PART=1\n"));
    assertFalse(text.contains("seg-00105.0.m4s"));
    assertFalse(text.contains("ENDLIST"));
  }

  @Test
  void lowLatencyRoundTrips() {
    MediaPlaylist p = liveLowLatency();
    MediaPlaylist parsed = HlsParser.parseMedia(p.toM3u8());
    assertEquals(p, parsed);
    assertEquals(2, parsed.trailingParts().size());
    assertEquals(107, parsed.lastMediaSequence());
  }

  @Test
  void deltaUpdateSkipsSegmentsBeforeTheSkipBoundary() {
    MediaPlaylist full = liveLowLatency();
    MediaPlaylist delta = full.deltaUpdate();
    // 32 s of segments, CAN-SKIP-UNTIL 24 s: the two segments ending by t=8 s go.
    assertEquals(2, delta.skippedSegments());
    assertEquals(6, delta.segments().size());
    assertEquals("seg-00102.m4s", delta.segments().get(0).uri());
    assertEquals(100, delta.mediaSequence());
    assertEquals(full.lastMediaSequence(), delta.lastMediaSequence());
    assertEquals(9, delta.version());
    String text = delta.toM3u8();
    assertTrue(text.startsWith("#EXTM3U\n#EXT-X-VERSION:9\n"));
    assertTrue(
        text.contains(
            "#EXT-X-SKIP:SKIPPED-SEGMENTS=2\n#EXT-X-MAP:URI=\"init.mp4\"\n"
                + "#EXT-X-PROGRAM-DATE-TIME:2026-11-21T15:00:08.250Z\n"));
    assertFalse(text.contains("seg-00101.m4s"));
    assertEquals(delta, HlsParser.parseMedia(text));
  }

  @Test
  void deltaUpdateKeepsTheInitInEffectAtTheBoundary() {
    MediaPlaylist.Builder b =
        MediaPlaylist.builder()
            .targetDuration(2)
            .serverControl(new ServerControl(true, 12.0, false, null, null))
            .map(InitMap.of("init-a.mp4"));
    for (int i = 0; i < 10; i++) {
      Segment s = Segment.of(N.segmentUri(i), 2.0);
      b.addSegment(i == 3 ? s.withDiscontinuity().withMap(InitMap.of("init-b.mp4")) : s);
    }
    MediaPlaylist delta = b.build().deltaUpdate();
    assertEquals(4, delta.skippedSegments());
    assertEquals(InitMap.of("init-b.mp4"), delta.map());
    assertTrue(delta.toM3u8().contains("#EXT-X-MAP:URI=\"init-b.mp4\"\n#EXTINF"));
  }

  @Test
  void deltaUpdateNeedsCanSkipUntil() {
    assertThrows(IllegalStateException.class, () -> vod().deltaUpdate());
    MediaPlaylist shortLive =
        MediaPlaylist.builder()
            .targetDuration(4)
            .serverControl(new ServerControl(true, 24.0, false, null, null))
            .addSegment(Segment.of("a.m4s", 4))
            .build();
    assertSame(shortLive, shortLive.deltaUpdate());
  }

  @Test
  void trimsOldParts() {
    MediaPlaylist p = liveLowLatency().withPartsTrimmed(3.9);
    assertTrue(p.segments().get(6).parts().isEmpty());
    assertEquals(4, p.segments().get(7).parts().size());
    assertEquals(2, p.trailingParts().size());
  }

  @Test
  void iFrameOnlyPlaylistRoundTrips() {
    MediaPlaylist p =
        MediaPlaylist.builder()
            .playlistType(PlaylistType.VOD)
            .iFramesOnly(true)
            .map(new InitMap("init.mp4", ByteRange.of(812, 0)))
            .addSegment(Segment.of("seg-00000.m4s", 2.0).withByteRange(ByteRange.of(38_211, 1024)))
            .addSegment(
                Segment.of("seg-00000.m4s", 2.0).withByteRange(ByteRange.of(35_000, 90_000)))
            .addSegment(Segment.of("seg-00001.m4s", 2.0).withByteRange(ByteRange.of(40_100, 1024)))
            .addSegment(Segment.of("seg-00001.m4s", 1.5).withByteRange(new ByteRange(30_000, null)))
            .endList(true)
            .build();
    String text = p.toM3u8();
    assertTrue(text.contains("#EXT-X-I-FRAMES-ONLY\n"));
    assertTrue(text.contains("#EXT-X-MAP:URI=\"init.mp4\",BYTERANGE=\"812@0\"\n"));
    assertTrue(text.contains("#EXT-X-BYTERANGE:38211@1024\n#EXTINF:2.000,\nseg-00000.m4s\n"));
    assertTrue(text.contains("#EXT-X-BYTERANGE:30000\n"));
    assertEquals(2, p.targetDuration());
    assertEquals(p, HlsParser.parseMedia(text));
  }

  @Test
  void targetDurationIsHonestWhenOneSegmentIsLong() {
    MediaPlaylist p =
        MediaPlaylist.builder()
            .targetDuration(4)
            .addSegment(Segment.of("a.m4s", 4.0))
            .addSegment(Segment.of("b.m4s", 9.2))
            .addSegment(Segment.of("c.m4s", 4.0))
            .build();
    assertEquals(9, p.targetDuration());
    assertTrue(p.toM3u8().contains("#EXT-X-TARGETDURATION:9\n"));
  }

  @Test
  void targetDurationIsTheRoundedLongestSegment() {
    // RFC 8216 4.3.3.1: each EXTINF rounded to the nearest integer is at most the target.
    MediaPlaylist p =
        MediaPlaylist.builder().targetDuration(6).addSegment(Segment.of("a.m4s", 6.4)).build();
    assertEquals(6, p.targetDuration());
    MediaPlaylist over = MediaPlaylist.builder().addSegment(Segment.of("a.m4s", 6.5)).build();
    assertEquals(7, over.targetDuration());
    MediaPlaylist exact = MediaPlaylist.builder().addSegment(Segment.of("a.m4s", 6.0)).build();
    assertEquals(6, exact.targetDuration());
    // Noise below the written precision does not inflate it.
    MediaPlaylist noisy =
        MediaPlaylist.builder().addSegment(Segment.of("a.m4s", 6.0000000001)).build();
    assertEquals(6, noisy.targetDuration());
  }

  @Test
  void extinfHasAtLeastThreeDecimals() {
    MediaPlaylist p =
        MediaPlaylist.builder()
            .addSegment(Segment.of("a.m4s", 4))
            .addSegment(Segment.of("b.m4s", 30000.0 / 1001 / 10))
            .build();
    String text = p.toM3u8();
    assertTrue(text.contains("#EXTINF:4.000,\n"));
    assertTrue(text.contains("#EXTINF:2.997003,\n"));
  }

  @Test
  void partHoldBackMustBeThreePartTargets() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                MediaPlaylist.builder()
                    .serverControl(ServerControl.lowLatency(2.9))
                    .partTarget(1.0)
                    .addSegment(Segment.of("a.m4s", 4.0))
                    .build());
    assertTrue(e.getMessage().contains("PART-HOLD-BACK"));
    // Exactly 3x, including float noise (3 * 0.334 != 1.002 in binary).
    MediaPlaylist ok =
        MediaPlaylist.builder()
            .serverControl(ServerControl.lowLatency(1.002))
            .partTarget(0.334)
            .addSegment(Segment.of("a.m4s", 4.0))
            .build();
    assertEquals(0.334, ok.partTarget());
  }

  @Test
  void partInfRequiresPartHoldBack() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            MediaPlaylist.builder()
                .serverControl(new ServerControl(true, null, false, null, null))
                .partTarget(1.0)
                .build());
    assertThrows(
        IllegalArgumentException.class, () -> MediaPlaylist.builder().partTarget(1.0).build());
  }

  @Test
  void partsRequirePartInfAndFitThePartTarget() {
    assertThrows(
        IllegalArgumentException.class,
        () -> MediaPlaylist.builder().addTrailingPart(Part.of("p.m4s", 1.0, true)).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> MediaPlaylist.builder().preloadHint(PreloadHint.part("p.m4s")).build());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            MediaPlaylist.builder()
                .serverControl(ServerControl.lowLatency(3.0))
                .partTarget(1.0)
                .addTrailingPart(Part.of("p.m4s", 1.2, true))
                .build());
  }

  @Test
  void holdBackAndSkipBoundaryAreChecked() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            MediaPlaylist.builder()
                .targetDuration(4)
                .serverControl(new ServerControl(true, null, false, 11.0, null))
                .build());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            MediaPlaylist.builder()
                .targetDuration(4)
                .serverControl(new ServerControl(true, 23.0, false, null, null))
                .build());
    // A long segment raises the target and therefore the bounds.
    assertThrows(
        IllegalArgumentException.class,
        () ->
            MediaPlaylist.builder()
                .targetDuration(4)
                .serverControl(new ServerControl(true, 24.0, false, 12.0, null))
                .addSegment(Segment.of("a.m4s", 5.0))
                .build());
  }

  @Test
  void skipRequiresCanSkipUntil() {
    assertThrows(
        IllegalArgumentException.class, () -> MediaPlaylist.builder().skippedSegments(3).build());
  }

  @Test
  void endedPlaylistHasNoPreloadHint() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            MediaPlaylist.builder()
                .serverControl(ServerControl.lowLatency(3.0))
                .partTarget(1.0)
                .preloadHint(PreloadHint.part("p.m4s"))
                .endList(true)
                .build());
  }

  @Test
  void tokenIsAppendedToEveryUri() {
    MediaPlaylist p =
        liveLowLatency().toBuilder()
            .addSegment(Segment.of("seg-00108.m4s?v=2", 0.5))
            .trailingParts(List.of())
            .preloadHint(PreloadHint.part("seg-00109.0.m4s"))
            .build();
    String text = HlsWriter.withQuery("token=t0k&exp=99").write(p);
    MediaPlaylist parsed = HlsParser.parseMedia(text);
    String q = "token=t0k&exp=99";
    assertTrue(parsed.map().uri().endsWith("init.mp4?" + q));
    for (Segment s : parsed.segments()) {
      assertTrue(s.uri().endsWith(q), s.uri());
      for (Part part : s.parts()) {
        assertTrue(part.uri().endsWith("?" + q), part.uri());
      }
    }
    assertEquals("seg-00108.m4s?v=2&" + q, parsed.segments().get(8).uri());
    assertEquals("seg-00109.0.m4s?" + q, parsed.preloadHint().uri());
    for (RenditionReport r : parsed.renditionReports()) {
      assertTrue(r.uri().endsWith("/index.m3u8?" + q), r.uri());
    }
    // Every URI-bearing line carries the token.
    for (String line : text.lines().toList()) {
      if (!line.startsWith("#") || line.contains("URI=")) {
        assertTrue(line.contains(q), line);
      }
    }
  }

  @Test
  void parserToleratesCrlfUnknownTagsAndTitles() {
    String text =
        "#EXTM3U\r\n#EXT-X-VERSION:3\r\n#EXT-X-TARGETDURATION:10\r\n# a comment\r\n"
            + "#EXT-X-DATERANGE:ID=\"ad\",START-DATE=\"2026-01-01T00:00:00Z\"\r\n"
            + "#EXTINF:9.5,Some title, with comma\r\n\r\nfirst.ts\r\n#EXT-X-ENDLIST\r\n";
    MediaPlaylist p = HlsParser.parseMedia(text);
    assertEquals(10, p.targetDuration());
    assertEquals(1, p.segments().size());
    assertEquals(9.5, p.segments().get(0).duration());
    assertTrue(p.endList());
  }

  @Test
  void parserRejectsGarbage() {
    assertThrows(IllegalArgumentException.class, () -> HlsParser.parseMedia("hello"));
    assertThrows(IllegalArgumentException.class, () -> HlsParser.parseMedia("#EXTM3U\nseg.m4s\n"));
  }

  @Test
  void attributeListKeepsCommasInsideQuotes() {
    var a = HlsParser.attributes("BANDWIDTH=1,CODECS=\"avc1.64001f,mp4a.40.2\",RESOLUTION=1x1");
    assertEquals("avc1.64001f,mp4a.40.2", a.get("CODECS"));
    assertEquals("1x1", a.get("RESOLUTION"));
    assertEquals("1", a.get("BANDWIDTH"));
  }

  @Test
  void blockingReloadDirectives() {
    MediaPlaylist p = liveLowLatency(); // complete up to 107, parts 0 and 1 of 108
    assertTrue(p.satisfies(107, null));
    assertTrue(p.satisfies(100, 3));
    assertFalse(p.satisfies(108, null));
    assertTrue(p.satisfies(108, 0));
    assertTrue(p.satisfies(108, 1));
    assertFalse(p.satisfies(108, 2));
    assertFalse(p.satisfies(109, 0));
    assertTrue(p.deltaUpdate().satisfies(108, 1));
  }
}
