package io.reelay.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MasterPlaylistTest {

  private static final HlsNaming N = HlsNaming.DEFAULT;

  static MasterPlaylist ladder() {
    return MasterPlaylist.builder()
        .addAudio(AudioRendition.of("aud", "English", "en", 2, N.mediaPlaylistUri("audio-en")))
        .addAudio(
            AudioRendition.of("aud", "Deutsch", "de", 6, N.mediaPlaylistUri("audio-de"))
                .asNonDefault())
        .addVariant(
            Variant.builder(N.mediaPlaylistUri("1080p"), 6_500_000)
                .averageBandwidth(5_000_000)
                .codecs("avc1.640028,mp4a.40.2")
                .resolution(1920, 1080)
                .frameRate(30)
                .audioGroup("aud")
                .build())
        .addVariant(
            Variant.builder(N.mediaPlaylistUri("720p"), 3_300_000)
                .averageBandwidth(2_800_000)
                .codecs("avc1.64001f,mp4a.40.2")
                .resolution(1280, 720)
                .frameRate(29.97)
                .audioGroup("aud")
                .build())
        .addIFrameVariant(
            new IFrameVariant(
                N.iFramePlaylistUri("1080p"),
                650_000,
                null,
                "avc1.640028",
                new Resolution(1920, 1080)))
        .addIFrameVariant(
            new IFrameVariant(
                N.iFramePlaylistUri("720p"),
                330_000,
                200_000L,
                "avc1.64001f",
                new Resolution(1280, 720)))
        .build();
  }

  @Test
  void writesExpectedText() {
    String text = ladder().toM3u8();
    List<String> lines = text.lines().toList();
    assertEquals("#EXTM3U", lines.get(0));
    assertEquals("#EXT-X-VERSION:7", lines.get(1));
    assertEquals("#EXT-X-INDEPENDENT-SEGMENTS", lines.get(2));
    assertEquals(
        "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aud\",NAME=\"English\",LANGUAGE=\"en\",DEFAULT=YES,"
            + "AUTOSELECT=YES,CHANNELS=\"2\",URI=\"audio-en/index.m3u8\"",
        lines.get(3));
    assertTrue(lines.get(4).contains("NAME=\"Deutsch\""));
    assertTrue(lines.get(4).contains("DEFAULT=NO,AUTOSELECT=YES,CHANNELS=\"6\""));
    assertEquals(
        "#EXT-X-STREAM-INF:BANDWIDTH=6500000,AVERAGE-BANDWIDTH=5000000,"
            + "CODECS=\"avc1.640028,mp4a.40.2\",RESOLUTION=1920x1080,"
            + "FRAME-RATE=30.000,AUDIO=\"aud\"",
        lines.get(5));
    assertEquals("1080p/index.m3u8", lines.get(6));
    assertTrue(lines.get(7).contains("FRAME-RATE=29.970"));
    assertEquals("720p/index.m3u8", lines.get(8));
    assertEquals(
        "#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=650000,CODECS=\"avc1.640028\","
            + "RESOLUTION=1920x1080,URI=\"1080p/iframes.m3u8\"",
        lines.get(9));
    assertEquals(11, lines.size());
  }

  @Test
  void roundTrips() {
    MasterPlaylist master = ladder();
    assertEquals(master, HlsParser.parseMaster(master.toM3u8()));
    assertTrue(HlsParser.isMaster(master.toM3u8()));
  }

  @Test
  void frameRateIsKeptAtThreeDecimals() {
    Variant v = Variant.builder("a.m3u8", 1000).frameRate(30000.0 / 1001).build();
    assertEquals(29.97, v.frameRate());
    MasterPlaylist m = MasterPlaylist.builder().addVariant(v).build();
    assertTrue(m.toM3u8().contains("FRAME-RATE=29.970"));
    assertEquals(m, HlsParser.parseMaster(m.toM3u8()));
  }

  @Test
  void tokenIsAppendedToEveryUri() {
    String text = HlsWriter.withQuery("?token=abc%2Fdef").write(ladder());
    MasterPlaylist parsed = HlsParser.parseMaster(text);
    for (Variant v : parsed.variants()) {
      assertTrue(v.uri().endsWith("/index.m3u8?token=abc%2Fdef"), v.uri());
    }
    for (AudioRendition a : parsed.audio()) {
      assertTrue(a.uri().endsWith("?token=abc%2Fdef"), a.uri());
    }
    for (IFrameVariant v : parsed.iFrameVariants()) {
      assertTrue(v.uri().endsWith("iframes.m3u8?token=abc%2Fdef"), v.uri());
    }
  }

  @Test
  void rejectsUnknownAudioGroup() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            MasterPlaylist.builder()
                .addVariant(Variant.builder("v.m3u8", 1000).audioGroup("nope").build())
                .build());
  }

  @Test
  void rejectsTwoDefaultsInAGroup() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            MasterPlaylist.builder()
                .addAudio(AudioRendition.of("aud", "A", "en", 2, "a.m3u8"))
                .addAudio(AudioRendition.of("aud", "B", "de", 2, "b.m3u8"))
                .addVariant(Variant.builder("v.m3u8", 1000).audioGroup("aud").build())
                .build());
  }

  @Test
  void rejectsDefaultWithoutAutoselect() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new AudioRendition("aud", "A", "en", true, false, "2", "a.m3u8"));
  }

  @Test
  void rejectsAverageAbovePeak() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Variant.builder("v.m3u8", 1000).averageBandwidth(2000).build());
  }

  @Test
  void rejectsQuoteInQuotedAttribute() {
    MasterPlaylist m =
        MasterPlaylist.builder()
            .addAudio(AudioRendition.of("aud", "Bad \"name\"", "en", 2, "a.m3u8"))
            .addVariant(Variant.builder("v.m3u8", 1000).audioGroup("aud").build())
            .build();
    assertThrows(IllegalArgumentException.class, m::toM3u8);
  }

  @Test
  void rejectsUnencodedQuery() {
    assertThrows(IllegalArgumentException.class, () -> HlsWriter.withQuery("token=a b"));
    assertThrows(IllegalArgumentException.class, () -> HlsWriter.withQuery("token=\"x\""));
  }
}
