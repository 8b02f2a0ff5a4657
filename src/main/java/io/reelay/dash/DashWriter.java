package io.reelay.dash;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Renders an {@link Mpd} as XML (MPD schema 2011 namespace, elements in schema order).
 *
 * <p>A writer may carry a query string (e.g. a signed playback token) appended to the
 * SegmentTemplate {@code initialization} and {@code media} URLs so that every segment request
 * carries it. BaseURL is left alone: a query on a base URL is dropped by relative resolution.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class DashWriter {

  /** Writer that emits templates unchanged. */
  public static final DashWriter DEFAULT = new DashWriter(null);

  private static final String NS = "urn:mpeg:dash:schema:mpd:2011";
  private static final String ROLE_SCHEME = "urn:mpeg:dash:role:2011";

  private final String query;

  private DashWriter(String query) {
    this.query = query;
  }

  /**
   * Writer appending {@code query} (already URL-encoded, with or without a leading {@code ?}) to
   * every segment URL template; {@code null} or empty means none.
   */
  public static DashWriter withQuery(String query) {
    if (query == null) {
      return DEFAULT;
    }
    String q = query.startsWith("?") ? query.substring(1) : query;
    if (q.isEmpty()) {
      return DEFAULT;
    }
    for (int i = 0; i < q.length(); i++) {
      char c = q.charAt(i);
      if (c == '#' || c <= ' ' || c == 0x7f) {
        throw new IllegalArgumentException("query must be URL-encoded: " + query);
      }
    }
    return new DashWriter(q);
  }

  /** The template as this writer emits it; a literal {@code $} in the query becomes {@code $$}. */
  public String template(String template) {
    if (query == null || template == null) {
      return template;
    }
    return template + (template.indexOf('?') >= 0 ? '&' : '?') + query.replace("$", "$$");
  }

  public String write(Mpd mpd) {
    Xml x = new Xml();
    x.sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.open("MPD")
        .attr("xmlns", NS)
        .attr("profiles", String.join(",", mpd.profiles()))
        .attr("type", mpd.type().attribute())
        .attr("minBufferTime", duration(mpd.minBufferTime()))
        .attr("mediaPresentationDuration", duration(mpd.mediaPresentationDuration()))
        .attr("availabilityStartTime", dateTime(mpd.availabilityStartTime()))
        .attr("publishTime", dateTime(mpd.publishTime()))
        .attr("minimumUpdatePeriod", duration(mpd.minimumUpdatePeriod()))
        .attr("timeShiftBufferDepth", duration(mpd.timeShiftBufferDepth()))
        .attr("suggestedPresentationDelay", duration(mpd.suggestedPresentationDelay()))
        .attr("maxSegmentDuration", duration(mpd.maxSegmentDuration()))
        .endStart();
    if (mpd.baseUrl() != null) {
      x.textElement("BaseURL", mpd.baseUrl());
    }
    for (Period p : mpd.periods()) {
      writePeriod(x, p);
    }
    for (UtcTiming t : mpd.utcTimings()) {
      x.open("UTCTiming").attr("schemeIdUri", t.schemeIdUri()).attr("value", t.value()).empty();
    }
    x.close("MPD");
    return x.sb.toString();
  }

  private void writePeriod(Xml x, Period p) {
    x.open("Period")
        .attr("id", p.id())
        .attr("start", duration(p.start()))
        .attr("duration", duration(p.duration()))
        .endStart();
    for (AdaptationSet a : p.adaptationSets()) {
      writeAdaptationSet(x, a);
    }
    x.close("Period");
  }

  private void writeAdaptationSet(Xml x, AdaptationSet a) {
    x.open("AdaptationSet")
        .attr("id", a.id())
        .attr("contentType", a.contentType().attribute())
        .attr("mimeType", a.mimeType())
        .attr("lang", a.lang())
        .attr("segmentAlignment", a.segmentAlignment() ? "true" : null)
        .attr("startWithSAP", a.startWithSap())
        .attr("maxWidth", a.maxWidth())
        .attr("maxHeight", a.maxHeight())
        .attr("maxFrameRate", a.maxFrameRate())
        .attr("par", a.par())
        .endStart();
    // Schema order: AudioChannelConfiguration, Role, SegmentTemplate, Representation.
    writeChannels(x, a.audioChannelConfiguration());
    if (a.role() != null) {
      x.open("Role").attr("schemeIdUri", ROLE_SCHEME).attr("value", a.role()).empty();
    }
    if (a.segmentTemplate() != null) {
      writeTemplate(x, a.segmentTemplate());
    }
    for (Representation r : a.representations()) {
      writeRepresentation(x, r);
    }
    x.close("AdaptationSet");
  }

  private void writeRepresentation(Xml x, Representation r) {
    x.open("Representation")
        .attr("id", r.id())
        .attr("bandwidth", r.bandwidth())
        .attr("codecs", r.codecs())
        .attr("width", r.width())
        .attr("height", r.height())
        .attr("frameRate", r.frameRate())
        .attr("sar", r.sar())
        .attr("audioSamplingRate", r.audioSamplingRate());
    if (r.audioChannelConfiguration() == null && r.segmentTemplate() == null) {
      x.empty();
      return;
    }
    x.endStart();
    writeChannels(x, r.audioChannelConfiguration());
    if (r.segmentTemplate() != null) {
      writeTemplate(x, r.segmentTemplate());
    }
    x.close("Representation");
  }

  private static void writeChannels(Xml x, AudioChannelConfiguration c) {
    if (c != null) {
      x.open("AudioChannelConfiguration")
          .attr("schemeIdUri", c.schemeIdUri())
          .attr("value", c.value())
          .empty();
    }
  }

  private void writeTemplate(Xml x, SegmentTemplate t) {
    x.open("SegmentTemplate")
        .attr("timescale", t.timescale())
        .attr("initialization", template(t.initialization()))
        .attr("media", template(t.media()))
        .attr("startNumber", t.startNumber())
        .attr("presentationTimeOffset", t.presentationTimeOffset())
        .attr("duration", t.duration())
        .attr("availabilityTimeOffset", decimal(t.availabilityTimeOffset()))
        .attr("availabilityTimeComplete", t.availabilityTimeComplete());
    if (t.timeline() == null) {
      x.empty();
      return;
    }
    x.endStart();
    x.open("SegmentTimeline").endStart();
    for (SegmentTimeline.Entry e : t.timeline().entries()) {
      x.open("S").attr("t", e.t()).attr("d", e.d()).attr("r", e.r() == 0 ? null : e.r()).empty();
    }
    x.close("SegmentTimeline");
    x.close("SegmentTemplate");
  }

  /** xs:duration, e.g. {@code PT12.345S} or {@code PT1H2M3S}. */
  static String duration(Duration d) {
    return d == null ? null : d.toString();
  }

  /** xs:dateTime in UTC with millisecond precision when non-zero. */
  static String dateTime(Instant i) {
    return i == null
        ? null
        : DateTimeFormatter.ISO_INSTANT.format(i.truncatedTo(ChronoUnit.MILLIS));
  }

  private static String decimal(Double d) {
    return d == null ? null : BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }

  /** Tiny indenting XML emitter with attribute escaping; nulls skip the attribute. */
  private static final class Xml {
    private final StringBuilder sb = new StringBuilder(4096);
    private int depth;

    Xml open(String name) {
      indent();
      sb.append('<').append(name);
      return this;
    }

    Xml attr(String name, Object value) {
      if (value != null) {
        sb.append(' ').append(name).append("=\"");
        escape(value.toString());
        sb.append('"');
      }
      return this;
    }

    void endStart() {
      sb.append(">\n");
      depth++;
    }

    void empty() {
      sb.append("/>\n");
    }

    void close(String name) {
      depth--;
      indent();
      sb.append("</").append(name).append(">\n");
    }

    void textElement(String name, String text) {
      indent();
      sb.append('<').append(name).append('>');
      escape(text);
      sb.append("</").append(name).append(">\n");
    }

    private void indent() {
      sb.append("  ".repeat(depth));
    }

    private void escape(String s) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '&' -> sb.append("&amp;");
          case '<' -> sb.append("&lt;");
          case '>' -> sb.append("&gt;");
          case '"' -> sb.append("&quot;");
          case '\'' -> sb.append("&apos;");
          case '\n' -> sb.append("&#10;");
          case '\r' -> sb.append("&#13;");
          case '\t' -> sb.append("&#9;");
          default -> {
            if (c < 0x20) {
              throw new IllegalArgumentException("control character not allowed in XML 1.0");
            }
            sb.append(c);
          }
        }
      }
    }
  }
}
