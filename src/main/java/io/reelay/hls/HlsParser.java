package io.reelay.hls;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads M3U8 text back into the model. It understands everything {@link HlsWriter} emits and
 * ignores tags it does not model (as clients must), so it can also read third-party playlists. URIs
 * are kept verbatim, including any query string.
 */
public final class HlsParser {

  private HlsParser() {}

  /** True if the text is a master (multivariant) playlist. */
  public static boolean isMaster(String text) {
    return text.contains("#EXT-X-STREAM-INF") || text.contains("#EXT-X-I-FRAME-STREAM-INF");
  }

  public static MasterPlaylist parseMaster(String text) {
    List<String> lines = lines(text);
    MasterPlaylist.Builder b = MasterPlaylist.builder().independentSegments(false);
    Map<String, String> pendingStreamInf = null;
    for (String line : lines) {
      if (line.startsWith("#EXT-X-INDEPENDENT-SEGMENTS")) {
        b.independentSegments(true);
      } else if (line.startsWith("#EXT-X-MEDIA:")) {
        Map<String, String> a = attributes(value(line));
        if ("AUDIO".equals(a.get("TYPE"))) {
          b.addAudio(
              new AudioRendition(
                  required(a, "GROUP-ID"),
                  required(a, "NAME"),
                  a.get("LANGUAGE"),
                  "YES".equals(a.get("DEFAULT")),
                  "YES".equals(a.get("AUTOSELECT")),
                  a.get("CHANNELS"),
                  a.get("URI")));
        }
      } else if (line.startsWith("#EXT-X-STREAM-INF:")) {
        pendingStreamInf = attributes(value(line));
      } else if (line.startsWith("#EXT-X-I-FRAME-STREAM-INF:")) {
        Map<String, String> a = attributes(value(line));
        b.addIFrameVariant(
            new IFrameVariant(
                required(a, "URI"),
                Long.parseLong(required(a, "BANDWIDTH")),
                longOrNull(a.get("AVERAGE-BANDWIDTH")),
                a.get("CODECS"),
                a.containsKey("RESOLUTION") ? Resolution.parse(a.get("RESOLUTION")) : null));
      } else if (!line.startsWith("#")) {
        if (pendingStreamInf == null) {
          throw new IllegalArgumentException("URI without EXT-X-STREAM-INF: " + line);
        }
        Map<String, String> a = pendingStreamInf;
        b.addVariant(
            new Variant(
                line,
                Long.parseLong(required(a, "BANDWIDTH")),
                longOrNull(a.get("AVERAGE-BANDWIDTH")),
                a.get("CODECS"),
                a.containsKey("RESOLUTION") ? Resolution.parse(a.get("RESOLUTION")) : null,
                a.containsKey("FRAME-RATE") ? Double.parseDouble(a.get("FRAME-RATE")) : null,
                a.get("AUDIO")));
        pendingStreamInf = null;
      }
    }
    return b.build();
  }

  public static MediaPlaylist parseMedia(String text) {
    List<String> lines = lines(text);
    MediaPlaylist.Builder b = MediaPlaylist.builder();
    List<Segment> segments = new ArrayList<>();
    InitMap playlistMap = null;
    // Tags collected for the next segment URI line.
    Double duration = null;
    Instant pdt = null;
    boolean discontinuity = false;
    boolean gap = false;
    ByteRange byteRange = null;
    InitMap segmentMap = null;
    List<Part> parts = new ArrayList<>();

    for (String line : lines) {
      if (!line.startsWith("#")) {
        if (duration == null) {
          throw new IllegalArgumentException("segment URI without EXTINF: " + line);
        }
        segments.add(
            new Segment(line, duration, pdt, discontinuity, gap, byteRange, segmentMap, parts));
        duration = null;
        pdt = null;
        discontinuity = false;
        gap = false;
        byteRange = null;
        segmentMap = null;
        parts = new ArrayList<>();
        continue;
      }
      String tag = tagName(line);
      switch (tag) {
        case "#EXT-X-TARGETDURATION" -> b.targetDuration(Integer.parseInt(value(line).trim()));
        case "#EXT-X-MEDIA-SEQUENCE" -> b.mediaSequence(Long.parseLong(value(line).trim()));
        case "#EXT-X-DISCONTINUITY-SEQUENCE" ->
            b.discontinuitySequence(Long.parseLong(value(line).trim()));
        case "#EXT-X-PLAYLIST-TYPE" -> b.playlistType(PlaylistType.valueOf(value(line).trim()));
        case "#EXT-X-I-FRAMES-ONLY" -> b.iFramesOnly(true);
        case "#EXT-X-INDEPENDENT-SEGMENTS" -> b.independentSegments(true);
        case "#EXT-X-ENDLIST" -> b.endList(true);
        case "#EXT-X-SERVER-CONTROL" -> {
          Map<String, String> a = attributes(value(line));
          b.serverControl(
              new ServerControl(
                  "YES".equals(a.get("CAN-BLOCK-RELOAD")),
                  doubleOrNull(a.get("CAN-SKIP-UNTIL")),
                  "YES".equals(a.get("CAN-SKIP-DATERANGES")),
                  doubleOrNull(a.get("HOLD-BACK")),
                  doubleOrNull(a.get("PART-HOLD-BACK"))));
        }
        case "#EXT-X-PART-INF" ->
            b.partTarget(Double.parseDouble(required(attributes(value(line)), "PART-TARGET")));
        case "#EXT-X-SKIP" ->
            b.skippedSegments(
                Integer.parseInt(required(attributes(value(line)), "SKIPPED-SEGMENTS")));
        case "#EXT-X-MAP" -> {
          Map<String, String> a = attributes(value(line));
          InitMap map =
              new InitMap(
                  required(a, "URI"),
                  a.containsKey("BYTERANGE") ? ByteRange.parse(a.get("BYTERANGE")) : null);
          if (segments.isEmpty() && playlistMap == null) {
            playlistMap = map;
          } else {
            segmentMap = map;
          }
        }
        case "#EXTINF" -> {
          String v = value(line);
          int comma = v.indexOf(',');
          duration = Double.parseDouble((comma < 0 ? v : v.substring(0, comma)).trim());
        }
        case "#EXT-X-PROGRAM-DATE-TIME" -> pdt = HlsFormat.parseDateTime(value(line));
        case "#EXT-X-DISCONTINUITY" -> discontinuity = true;
        case "#EXT-X-GAP" -> gap = true;
        case "#EXT-X-BYTERANGE" -> byteRange = ByteRange.parse(value(line));
        case "#EXT-X-PART" -> {
          Map<String, String> a = attributes(value(line));
          parts.add(
              new Part(
                  required(a, "URI"),
                  Double.parseDouble(required(a, "DURATION")),
                  "YES".equals(a.get("INDEPENDENT")),
                  "YES".equals(a.get("GAP")),
                  a.containsKey("BYTERANGE") ? ByteRange.parse(a.get("BYTERANGE")) : null));
        }
        case "#EXT-X-PRELOAD-HINT" -> {
          Map<String, String> a = attributes(value(line));
          b.preloadHint(
              new PreloadHint(
                  PreloadHint.Type.valueOf(required(a, "TYPE")),
                  required(a, "URI"),
                  longOrNull(a.get("BYTERANGE-START")),
                  longOrNull(a.get("BYTERANGE-LENGTH"))));
        }
        case "#EXT-X-RENDITION-REPORT" -> {
          Map<String, String> a = attributes(value(line));
          b.addRenditionReport(
              new RenditionReport(
                  required(a, "URI"),
                  longOrNull(a.get("LAST-MSN")),
                  a.containsKey("LAST-PART") ? Integer.parseInt(a.get("LAST-PART")) : null));
        }
        default -> {
          // Unknown tags and comments are ignored, as RFC 8216 requires of clients.
        }
      }
    }
    return b.map(playlistMap).segments(segments).trailingParts(parts).build();
  }

  /**
   * Parses an attribute list ({@code KEY=value,KEY="quoted, with commas"}). Quotes are removed;
   * insertion order is kept.
   */
  public static Map<String, String> attributes(String list) {
    Map<String, String> out = new LinkedHashMap<>();
    int i = 0;
    int n = list.length();
    while (i < n) {
      int eq = list.indexOf('=', i);
      if (eq < 0) {
        throw new IllegalArgumentException("bad attribute list: " + list);
      }
      String name = list.substring(i, eq).trim();
      int j = eq + 1;
      String value;
      if (j < n && list.charAt(j) == '"') {
        int close = list.indexOf('"', j + 1);
        if (close < 0) {
          throw new IllegalArgumentException("unterminated quoted string: " + list);
        }
        value = list.substring(j + 1, close);
        j = close + 1;
        while (j < n && list.charAt(j) != ',') {
          j++;
        }
      } else {
        int comma = list.indexOf(',', j);
        int end = comma < 0 ? n : comma;
        value = list.substring(j, end).trim();
        j = end;
      }
      out.put(name, value);
      i = j + 1;
    }
    return out;
  }

  private static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    for (String raw : text.split("\r?\n")) {
      String line = raw.strip();
      if (!line.isEmpty()) {
        out.add(line);
      }
    }
    if (out.isEmpty() || !out.get(0).equals("#EXTM3U")) {
      throw new IllegalArgumentException("not an M3U8 playlist: missing #EXTM3U");
    }
    return out;
  }

  private static String tagName(String line) {
    int colon = line.indexOf(':');
    return colon < 0 ? line : line.substring(0, colon);
  }

  private static String value(String line) {
    int colon = line.indexOf(':');
    return colon < 0 ? "" : line.substring(colon + 1);
  }

  private static String required(Map<String, String> attrs, String name) {
    String v = attrs.get(name);
    if (v == null) {
      throw new IllegalArgumentException("missing attribute " + name + " in " + attrs);
    }
    return v;
  }

  private static Long longOrNull(String v) {
    return v == null ? null : Long.parseLong(v);
  }

  private static Double doubleOrNull(String v) {
    return v == null ? null : Double.parseDouble(v);
  }
}
