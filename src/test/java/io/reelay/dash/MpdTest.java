package io.reelay.dash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.dash.SegmentTimeline.TimedSegment;
import io.reelay.hls.HlsNaming;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class MpdTest {

  private static final String NS = "urn:mpeg:dash:schema:mpd:2011";

  static List<TimedSegment> videoSegments(long start, int count) {
    List<TimedSegment> out = new ArrayList<>();
    long t = start;
    for (int i = 0; i < count; i++) {
      long d = i == count - 1 ? 45_000 : 180_000; // 2 s at 90 kHz, short last one
      out.add(new TimedSegment(t, d));
      t += d;
    }
    return out;
  }

  static List<TimedSegment> audioSegments(int count) {
    // AAC frames are 1024 samples, so 2 s segments alternate in length at 48 kHz.
    List<TimedSegment> out = new ArrayList<>();
    long t = 0;
    for (int i = 0; i < count; i++) {
      long d = i % 3 == 2 ? 95_232 : 96_256;
      out.add(new TimedSegment(t, d));
      t += d;
    }
    return out;
  }

  static AdaptationSet videoSet(List<TimedSegment> segs, long startNumber) {
    return AdaptationSet.video()
        .id("0")
        .segmentTemplate(
            SegmentTemplate.builder(90_000)
                .startNumber(startNumber)
                .timeline(SegmentTimeline.of(segs))
                .build())
        .addRepresentation(
            Representation.builder("1080p", 6_500_000)
                .codecs("avc1.640028")
                .size(1920, 1080)
                .frameRate(Representation.frameRate(30000, 1001))
                .build())
        .addRepresentation(
            Representation.builder("720p", 3_300_000)
                .codecs("avc1.64001f")
                .size(1280, 720)
                .frameRate(Representation.frameRate(30, 1))
                .build())
        .build();
  }

  static AdaptationSet audioSet(List<TimedSegment> segs) {
    return AdaptationSet.audio("en")
        .id("1")
        .role("main")
        .audioChannels(2)
        .segmentTemplate(
            SegmentTemplate.builder(48_000)
                .startNumber(0)
                .timeline(SegmentTimeline.of(segs))
                .build())
        .addRepresentation(
            Representation.builder("audio-en", 128_000)
                .codecs("mp4a.40.2")
                .audioSamplingRate(48_000)
                .build())
        .build();
  }

  static Mpd vod() {
    return Mpd.staticBuilder(Duration.ofMillis(12_345))
        .maxSegmentDuration(Duration.ofSeconds(2))
        .addPeriod(
            Period.of(
                "p0",
                Duration.ZERO,
                List.of(videoSet(videoSegments(0, 7), 0), audioSet(audioSegments(7)))))
        .build();
  }

  static Document parse(String xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  static List<Element> elements(Element parent, String name) {
    NodeList nl = parent.getElementsByTagNameNS(NS, name);
    List<Element> out = new ArrayList<>();
    for (int i = 0; i < nl.getLength(); i++) {
      out.add((Element) nl.item(i));
    }
    return out;
  }

  static Element first(Element parent, String name) {
    return elements(parent, name).get(0);
  }

  /** Reads S elements back into segments, independently of {@link SegmentTimeline#expand}. */
  static List<TimedSegment> readTimeline(Element template) {
    List<TimedSegment> out = new ArrayList<>();
    long next = 0;
    for (Element s : elements(template, "S")) {
      long t = s.hasAttribute("t") ? Long.parseLong(s.getAttribute("t")) : next;
      long d = Long.parseLong(s.getAttribute("d"));
      int r = s.hasAttribute("r") ? Integer.parseInt(s.getAttribute("r")) : 0;
      for (int i = 0; i <= r; i++) {
        out.add(new TimedSegment(t, d));
        t += d;
      }
      next = t;
    }
    return out;
  }

  @Test
  void staticMpd() throws Exception {
    Mpd mpd = vod();
    String xml = mpd.toXml();
    assertTrue(xml.startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<MPD "));
    Element root = parse(xml).getDocumentElement();
    assertEquals(NS, root.getNamespaceURI());
    assertEquals("MPD", root.getLocalName());
    assertEquals("static", root.getAttribute("type"));
    assertEquals(
        "urn:mpeg:dash:profile:isoff-live:2011,urn:mpeg:dash:profile:cmaf:2019",
        root.getAttribute("profiles"));
    assertEquals("PT12.345S", root.getAttribute("mediaPresentationDuration"));
    assertEquals("PT2S", root.getAttribute("minBufferTime"));
    assertEquals("PT2S", root.getAttribute("maxSegmentDuration"));
    assertFalse(root.hasAttribute("availabilityStartTime"));
    assertFalse(root.hasAttribute("minimumUpdatePeriod"));

    Element period = first(root, "Period");
    assertEquals("p0", period.getAttribute("id"));
    assertEquals("PT0S", period.getAttribute("start"));

    List<Element> sets = elements(period, "AdaptationSet");
    assertEquals(2, sets.size());
    Element video = sets.get(0);
    assertEquals("video", video.getAttribute("contentType"));
    assertEquals("video/mp4", video.getAttribute("mimeType"));
    assertEquals("true", video.getAttribute("segmentAlignment"));
    assertEquals("1", video.getAttribute("startWithSAP"));
    assertEquals("1920", video.getAttribute("maxWidth"));
    assertEquals("1080", video.getAttribute("maxHeight"));
    assertEquals("16:9", video.getAttribute("par"));

    Element vt = first(video, "SegmentTemplate");
    assertEquals("90000", vt.getAttribute("timescale"));
    assertEquals("$RepresentationID$/init.mp4", vt.getAttribute("initialization"));
    assertEquals("$RepresentationID$/seg-$Number%05d$.m4s", vt.getAttribute("media"));
    assertEquals("0", vt.getAttribute("startNumber"));
    assertEquals(videoSegments(0, 7), readTimeline(vt));
    List<Element> s = elements(vt, "S");
    assertEquals(2, s.size());
    assertEquals("5", s.get(0).getAttribute("r"));
    assertFalse(s.get(1).hasAttribute("t"));
    assertFalse(s.get(1).hasAttribute("r"));

    List<Element> reps = elements(video, "Representation");
    assertEquals("1080p", reps.get(0).getAttribute("id"));
    assertEquals("6500000", reps.get(0).getAttribute("bandwidth"));
    assertEquals("avc1.640028", reps.get(0).getAttribute("codecs"));
    assertEquals("1920", reps.get(0).getAttribute("width"));
    assertEquals("1080", reps.get(0).getAttribute("height"));
    assertEquals("30000/1001", reps.get(0).getAttribute("frameRate"));
    assertEquals("1:1", reps.get(0).getAttribute("sar"));
    assertEquals("30", reps.get(1).getAttribute("frameRate"));

    Element audio = sets.get(1);
    assertEquals("audio", audio.getAttribute("contentType"));
    assertEquals("audio/mp4", audio.getAttribute("mimeType"));
    assertEquals("en", audio.getAttribute("lang"));
    assertFalse(audio.hasAttribute("maxWidth"));
    Element acc = first(audio, "AudioChannelConfiguration");
    assertEquals("urn:mpeg:mpegB:cicp:ChannelConfiguration", acc.getAttribute("schemeIdUri"));
    assertEquals("2", acc.getAttribute("value"));
    Element role = first(audio, "Role");
    assertEquals("urn:mpeg:dash:role:2011", role.getAttribute("schemeIdUri"));
    assertEquals("main", role.getAttribute("value"));
    Element ar = first(audio, "Representation");
    assertEquals("48000", ar.getAttribute("audioSamplingRate"));
    assertEquals("mp4a.40.2", ar.getAttribute("codecs"));
    assertEquals(audioSegments(7), readTimeline(first(audio, "SegmentTemplate")));
  }

  @Test
  void dynamicMpd() throws Exception {
    Instant ast = Instant.parse("2026-11-21T15:00:00Z");
    Instant publish = Instant.parse("2026-11-21T15:10:00.123456Z");
    long start = 90_000L * 600; // ten minutes into the stream
    Mpd mpd =
        Mpd.dynamicBuilder(ast, publish)
            .minimumUpdatePeriod(Duration.ofSeconds(2))
            .timeShiftBufferDepth(Duration.ofMinutes(2))
            .suggestedPresentationDelay(Duration.ofMillis(6_500))
            .minBufferTime(Duration.ofSeconds(4))
            .addPeriod(
                Period.of(
                    "live-1",
                    Duration.ZERO,
                    List.of(
                        AdaptationSet.video()
                            .segmentTemplate(
                                SegmentTemplate.builder(90_000)
                                    .startNumber(300)
                                    .presentationTimeOffset(0)
                                    .availabilityTimeOffset(1.5)
                                    .availabilityTimeComplete(false)
                                    .timeline(SegmentTimeline.of(videoSegments(start, 30)))
                                    .build())
                            .addRepresentation(
                                Representation.builder("720p", 3_000_000)
                                    .codecs("avc1.64001f")
                                    .size(1280, 720)
                                    .frameRate("30")
                                    .build())
                            .build())))
            .addUtcTiming(UtcTiming.httpIso("https://time.example.com/iso?x=1&y=2"))
            .addUtcTiming(UtcTiming.httpXsDate("/time"))
            .build();
    Element root = parse(mpd.toXml()).getDocumentElement();
    assertEquals("dynamic", root.getAttribute("type"));
    assertEquals("2026-11-21T15:00:00Z", root.getAttribute("availabilityStartTime"));
    assertEquals("2026-11-21T15:10:00.123Z", root.getAttribute("publishTime"));
    assertEquals("PT2S", root.getAttribute("minimumUpdatePeriod"));
    assertEquals("PT2M", root.getAttribute("timeShiftBufferDepth"));
    assertEquals("PT6.5S", root.getAttribute("suggestedPresentationDelay"));
    assertEquals("PT4S", root.getAttribute("minBufferTime"));
    assertFalse(root.hasAttribute("mediaPresentationDuration"));

    Element t = first(root, "SegmentTemplate");
    assertEquals("300", t.getAttribute("startNumber"));
    assertEquals("0", t.getAttribute("presentationTimeOffset"));
    assertEquals("1.5", t.getAttribute("availabilityTimeOffset"));
    assertEquals("false", t.getAttribute("availabilityTimeComplete"));
    assertEquals(Long.toString(start), first(t, "S").getAttribute("t"));
    assertEquals(videoSegments(start, 30), readTimeline(t));

    List<Element> timings = elements(root, "UTCTiming");
    assertEquals(2, timings.size());
    assertEquals("urn:mpeg:dash:utc:http-iso:2014", timings.get(0).getAttribute("schemeIdUri"));
    assertEquals("https://time.example.com/iso?x=1&y=2", timings.get(0).getAttribute("value"));
    assertEquals("urn:mpeg:dash:utc:http-xsdate:2014", timings.get(1).getAttribute("schemeIdUri"));
    // UTCTiming comes after Period, as the schema orders it.
    assertEquals("UTCTiming", root.getLastChild().getPreviousSibling().getLocalName());
  }

  @Test
  void tokenIsAppendedToTemplatesAndEscaped() throws Exception {
    String xml = DashWriter.withQuery("?token=a$b&exp=1").write(vod());
    assertTrue(xml.contains("seg-$Number%05d$.m4s?token=a$$b&amp;exp=1\""));
    Element root = parse(xml).getDocumentElement();
    for (Element t : elements(root, "SegmentTemplate")) {
      assertEquals(
          "$RepresentationID$/init.mp4?token=a$$b&exp=1", t.getAttribute("initialization"));
      assertEquals(
          "$RepresentationID$/seg-$Number%05d$.m4s?token=a$$b&exp=1", t.getAttribute("media"));
      String url = DashNaming.expand(t.getAttribute("media"), "720p", 12, 0, 0);
      assertEquals("720p/seg-00012.m4s?token=a$b&exp=1", url);
    }
  }

  @Test
  void escapesXmlSpecialCharacters() throws Exception {
    Mpd mpd =
        Mpd.staticBuilder(Duration.ofSeconds(10))
            .baseUrl("https://cdn.example.com/a&b/<c>/\"q\"/")
            .addPeriod(
                Period.of(
                    "p'0",
                    null,
                    List.of(
                        AdaptationSet.audio("en")
                            .segmentTemplate(
                                SegmentTemplate.builder(48_000).duration(96_000).build())
                            .addRepresentation(
                                Representation.builder("a", 64_000)
                                    .codecs("mp4a.40.2")
                                    .audioChannels(6)
                                    .build())
                            .build())))
            .build();
    String xml = mpd.toXml();
    assertTrue(xml.contains("a&amp;b/&lt;c&gt;/&quot;q&quot;/"));
    Element root = parse(xml).getDocumentElement();
    assertEquals("https://cdn.example.com/a&b/<c>/\"q\"/", first(root, "BaseURL").getTextContent());
    assertEquals("p'0", first(root, "Period").getAttribute("id"));
    assertEquals("96000", first(root, "SegmentTemplate").getAttribute("duration"));
    Element acc = first(first(root, "Representation"), "AudioChannelConfiguration");
    assertEquals("6", acc.getAttribute("value"));
  }

  @Test
  void dashTemplatesAddressTheSameFilesAsHls() {
    HlsNaming hls = HlsNaming.DEFAULT;
    DashNaming dash = DashNaming.DEFAULT;
    assertEquals(
        hls.fromRoot("720p", hls.segmentUri(12)),
        DashNaming.expand(dash.media(), "720p", 12, 0, 0));
    assertEquals(
        hls.fromRoot("720p", hls.initUri()),
        DashNaming.expand(dash.initialization(), "720p", 0, 0, 0));
    assertEquals(
        "720p/seg-1234.m4s", DashNaming.expand(DashNaming.TIME_BASED.media(), "720p", 0, 1234, 0));
    assertEquals("a$b-3000", DashNaming.expand("a$$b-$Bandwidth$", "x", 0, 0, 3000));
  }

  @Test
  void validation() {
    AdaptationSet set = videoSet(videoSegments(0, 3), 1);
    List<AdaptationSet> sets = List.of(set);
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Mpd(
                Mpd.Type.STATIC,
                List.of(Mpd.PROFILE_ISOFF_LIVE),
                Duration.ofSeconds(2),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                List.of(Period.of("p", Duration.ZERO, sets)),
                List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Mpd.dynamicBuilder(null, Instant.now())
                .addPeriod(Period.of("p", Duration.ZERO, sets))
                .build());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Mpd.staticBuilder(Duration.ofSeconds(1))
                .minimumUpdatePeriod(Duration.ofSeconds(1))
                .addPeriod(Period.of("p", Duration.ZERO, sets))
                .build());
    assertThrows(
        IllegalArgumentException.class, () -> Mpd.staticBuilder(Duration.ofSeconds(1)).build());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            AdaptationSet.video()
                .segmentTemplate(set.segmentTemplate())
                .addRepresentation(Representation.builder("a", 1).build())
                .addRepresentation(Representation.builder("a", 2).build())
                .build());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            AdaptationSet.video()
                .addRepresentation(Representation.builder("a", 1).build())
                .build());
    assertThrows(IllegalArgumentException.class, () -> Representation.builder("a b", 1).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> Representation.builder("a", 1).frameRate("29.97").build());
    assertThrows(IllegalArgumentException.class, () -> SegmentTemplate.builder(90_000).build());
  }
}
