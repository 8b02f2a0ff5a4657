package io.reelay.hls;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * One media segment with the tags that apply to it.
 *
 * @param uri segment URI (relative to the playlist)
 * @param duration EXTINF seconds
 * @param programDateTime wall clock of the first sample, kept at millisecond precision
 * @param discontinuity EXT-X-DISCONTINUITY before this segment
 * @param gap EXT-X-GAP: the segment is missing, clients must not load it
 * @param byteRange EXT-X-BYTERANGE (I-frame playlists), or null
 * @param map EXT-X-MAP switching to a new init segment from here on, or null to keep the current
 * @param parts LL-HLS parts of this segment (only kept for the last few segments)
 */
public record Segment(
    String uri,
    double duration,
    Instant programDateTime,
    boolean discontinuity,
    boolean gap,
    ByteRange byteRange,
    InitMap map,
    List<Part> parts) {

  public Segment {
    Objects.requireNonNull(uri, "uri");
    if (!(duration >= 0) || Double.isInfinite(duration)) {
      throw new IllegalArgumentException("bad segment duration: " + duration);
    }
    // The text form carries milliseconds only; normalise so values round-trip.
    programDateTime =
        programDateTime == null ? null : programDateTime.truncatedTo(ChronoUnit.MILLIS);
    parts = parts == null ? List.of() : List.copyOf(parts);
  }

  public static Segment of(String uri, double duration) {
    return new Segment(uri, duration, null, false, false, null, null, List.of());
  }

  public Segment withProgramDateTime(Instant pdt) {
    return new Segment(uri, duration, pdt, discontinuity, gap, byteRange, map, parts);
  }

  public Segment withDiscontinuity() {
    return new Segment(uri, duration, programDateTime, true, gap, byteRange, map, parts);
  }

  public Segment withGap() {
    return new Segment(uri, duration, programDateTime, discontinuity, true, byteRange, map, parts);
  }

  public Segment withByteRange(ByteRange range) {
    return new Segment(uri, duration, programDateTime, discontinuity, gap, range, map, parts);
  }

  public Segment withMap(InitMap newMap) {
    return new Segment(
        uri, duration, programDateTime, discontinuity, gap, byteRange, newMap, parts);
  }

  public Segment withParts(List<Part> newParts) {
    return new Segment(
        uri, duration, programDateTime, discontinuity, gap, byteRange, map, newParts);
  }
}
