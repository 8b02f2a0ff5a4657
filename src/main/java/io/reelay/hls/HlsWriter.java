package io.reelay.hls;

/**
 * Renders {@link MasterPlaylist} and {@link MediaPlaylist} as M3U8 text.
 *
 * <p>A writer may carry a query string (e.g. a signed playback token) that it appends to every URI
 * it emits: child playlists, segments, parts, maps, preload hints and rendition reports. Players
 * resolve those URIs relative to the playlist, so the token only propagates if each URI carries it.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class HlsWriter {

  /** Writer that emits URIs unchanged. */
  public static final HlsWriter DEFAULT = new HlsWriter(null);

  private final String query;

  private HlsWriter(String query) {
    this.query = query;
  }

  /**
   * Writer appending {@code query} (already URL-encoded, with or without a leading {@code ?}) to
   * every URI; {@code null} or empty means none.
   */
  public static HlsWriter withQuery(String query) {
    if (query == null) {
      return DEFAULT;
    }
    String q = query.startsWith("?") ? query.substring(1) : query;
    if (q.isEmpty()) {
      return DEFAULT;
    }
    for (int i = 0; i < q.length(); i++) {
      char c = q.charAt(i);
      // These would break a quoted-string, a URI line or the URI itself.
      if (c == '"' || c == '#' || c <= ' ' || c == 0x7f) {
        throw new IllegalArgumentException("query must be URL-encoded: " + query);
      }
    }
    return new HlsWriter(q);
  }

  /** The URI as this writer emits it. */
  public String uri(String uri) {
    if (query == null) {
      return uri;
    }
    return uri + (uri.indexOf('?') >= 0 ? '&' : '?') + query;
  }

  public String write(MasterPlaylist playlist) {
    StringBuilder out = new StringBuilder(1024);
    out.append("#EXTM3U\n");
    out.append("#EXT-X-VERSION:").append(playlist.version()).append('\n');
    if (playlist.independentSegments()) {
      out.append("#EXT-X-INDEPENDENT-SEGMENTS\n");
    }
    for (AudioRendition a : playlist.audio()) {
      Attrs attrs =
          new Attrs()
              .plain("TYPE", "AUDIO")
              .quoted("GROUP-ID", a.groupId())
              .quoted("NAME", a.name())
              .quoted("LANGUAGE", a.language())
              .plain("DEFAULT", a.isDefault() ? "YES" : "NO")
              .plain("AUTOSELECT", a.autoselect() ? "YES" : "NO")
              .quoted("CHANNELS", a.channels());
      if (a.uri() != null) {
        attrs.quoted("URI", uri(a.uri()));
      }
      out.append("#EXT-X-MEDIA:").append(attrs).append('\n');
    }
    for (Variant v : playlist.variants()) {
      Attrs attrs =
          new Attrs()
              .plain("BANDWIDTH", Long.toString(v.bandwidth()))
              .plain("AVERAGE-BANDWIDTH", v.averageBandwidth())
              .quoted("CODECS", v.codecs())
              .plain("RESOLUTION", v.resolution())
              .plain(
                  "FRAME-RATE",
                  v.frameRate() == null ? null : HlsFormat.threeDecimals(v.frameRate()))
              .quoted("AUDIO", v.audioGroup());
      out.append("#EXT-X-STREAM-INF:").append(attrs).append('\n');
      out.append(uriLine(v.uri())).append('\n');
    }
    for (IFrameVariant v : playlist.iFrameVariants()) {
      Attrs attrs =
          new Attrs()
              .plain("BANDWIDTH", Long.toString(v.bandwidth()))
              .plain("AVERAGE-BANDWIDTH", v.averageBandwidth())
              .quoted("CODECS", v.codecs())
              .plain("RESOLUTION", v.resolution())
              .quoted("URI", uri(v.uri()));
      out.append("#EXT-X-I-FRAME-STREAM-INF:").append(attrs).append('\n');
    }
    return out.toString();
  }

  public String write(MediaPlaylist p) {
    StringBuilder out = new StringBuilder(256 + 64 * p.segments().size());
    out.append("#EXTM3U\n");
    out.append("#EXT-X-VERSION:").append(p.version()).append('\n');
    out.append("#EXT-X-TARGETDURATION:").append(p.targetDuration()).append('\n');
    ServerControl sc = p.serverControl();
    if (sc != null) {
      Attrs attrs =
          new Attrs()
              .plain("CAN-BLOCK-RELOAD", sc.canBlockReload() ? "YES" : null)
              .plain("CAN-SKIP-UNTIL", secondsOrNull(sc.canSkipUntil()))
              .plain("CAN-SKIP-DATERANGES", sc.canSkipDateRanges() ? "YES" : null)
              .plain("HOLD-BACK", secondsOrNull(sc.holdBack()))
              .plain("PART-HOLD-BACK", secondsOrNull(sc.partHoldBack()));
      out.append("#EXT-X-SERVER-CONTROL:").append(attrs).append('\n');
    }
    if (p.partTarget() != null) {
      out.append("#EXT-X-PART-INF:PART-TARGET=")
          .append(HlsFormat.seconds(p.partTarget()))
          .append('\n');
    }
    out.append("#EXT-X-MEDIA-SEQUENCE:").append(p.mediaSequence()).append('\n');
    out.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(p.discontinuitySequence()).append('\n');
    if (p.playlistType() != null) {
      out.append("#EXT-X-PLAYLIST-TYPE:").append(p.playlistType().name()).append('\n');
    }
    if (p.iFramesOnly()) {
      out.append("#EXT-X-I-FRAMES-ONLY\n");
    }
    if (p.independentSegments()) {
      out.append("#EXT-X-INDEPENDENT-SEGMENTS\n");
    }
    if (p.skippedSegments() > 0) {
      out.append("#EXT-X-SKIP:SKIPPED-SEGMENTS=").append(p.skippedSegments()).append('\n');
    }
    if (p.map() != null) {
      writeMap(out, p.map());
    }
    for (Segment s : p.segments()) {
      if (s.discontinuity()) {
        out.append("#EXT-X-DISCONTINUITY\n");
      }
      if (s.map() != null) {
        writeMap(out, s.map());
      }
      if (s.programDateTime() != null) {
        out.append("#EXT-X-PROGRAM-DATE-TIME:")
            .append(HlsFormat.dateTime(s.programDateTime()))
            .append('\n');
      }
      for (Part part : s.parts()) {
        writePart(out, part);
      }
      if (s.gap()) {
        out.append("#EXT-X-GAP\n");
      }
      if (s.byteRange() != null) {
        out.append("#EXT-X-BYTERANGE:").append(s.byteRange()).append('\n');
      }
      out.append("#EXTINF:").append(HlsFormat.seconds(s.duration())).append(",\n");
      out.append(uriLine(s.uri())).append('\n');
    }
    for (Part part : p.trailingParts()) {
      writePart(out, part);
    }
    PreloadHint hint = p.preloadHint();
    if (hint != null) {
      Attrs attrs =
          new Attrs()
              .plain("TYPE", hint.type().name())
              .quoted("URI", uri(hint.uri()))
              .plain("BYTERANGE-START", hint.byteRangeStart())
              .plain("BYTERANGE-LENGTH", hint.byteRangeLength());
      out.append("#EXT-X-PRELOAD-HINT:").append(attrs).append('\n');
    }
    for (RenditionReport r : p.renditionReports()) {
      Attrs attrs =
          new Attrs()
              .quoted("URI", uri(r.uri()))
              .plain("LAST-MSN", r.lastMsn())
              .plain("LAST-PART", r.lastPart());
      out.append("#EXT-X-RENDITION-REPORT:").append(attrs).append('\n');
    }
    if (p.endList()) {
      out.append("#EXT-X-ENDLIST\n");
    }
    return out.toString();
  }

  private void writeMap(StringBuilder out, InitMap map) {
    Attrs attrs = new Attrs().quoted("URI", uri(map.uri()));
    if (map.byteRange() != null) {
      attrs.quoted("BYTERANGE", map.byteRange().toString());
    }
    out.append("#EXT-X-MAP:").append(attrs).append('\n');
  }

  private void writePart(StringBuilder out, Part part) {
    Attrs attrs =
        new Attrs()
            .plain("DURATION", HlsFormat.seconds(part.duration()))
            .quoted("URI", uri(part.uri()))
            .plain("INDEPENDENT", part.independent() ? "YES" : null)
            .quoted("BYTERANGE", part.byteRange() == null ? null : part.byteRange().toString())
            .plain("GAP", part.gap() ? "YES" : null);
    out.append("#EXT-X-PART:").append(attrs).append('\n');
  }

  private String uriLine(String raw) {
    String u = uri(raw);
    if (u.isEmpty() || u.startsWith("#") || u.indexOf('\n') >= 0 || u.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("bad URI line: " + raw);
    }
    return u;
  }

  private static String secondsOrNull(Double value) {
    return value == null ? null : HlsFormat.seconds(value);
  }

  /** Attribute-list builder; null values are skipped so optional attributes stay terse. */
  private static final class Attrs {
    private final StringBuilder sb = new StringBuilder();

    Attrs plain(String name, Object value) {
      if (value != null) {
        sep().append(name).append('=').append(value);
      }
      return this;
    }

    Attrs quoted(String name, String value) {
      if (value != null) {
        // A quoted-string cannot contain a double quote, CR or LF and has no escape syntax.
        if (value.indexOf('"') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
          throw new IllegalArgumentException(name + " cannot be quoted: " + value);
        }
        sep().append(name).append("=\"").append(value).append('"');
      }
      return this;
    }

    private StringBuilder sep() {
      if (sb.length() > 0) {
        sb.append(',');
      }
      return sb;
    }

    @Override
    public String toString() {
      return sb.toString();
    }
  }
}
