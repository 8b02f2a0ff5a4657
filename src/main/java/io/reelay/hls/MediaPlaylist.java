package io.reelay.hls;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An HLS media playlist: VOD, EVENT, sliding-window live, LL-HLS (parts, preload hint, rendition
 * reports, delta updates) or I-frame only.
 *
 * <p>The canonical constructor validates and normalises:
 *
 * <ul>
 *   <li>{@code targetDuration} is raised to the ceiling of the longest segment as it will be
 *       written, so a configured value acts as a minimum and the tag is never dishonest;
 *   <li>PART-HOLD-BACK must be at least 3x PART-TARGET, HOLD-BACK at least 3x and CAN-SKIP-UNTIL at
 *       least 6x the target duration, parts must not exceed PART-TARGET;
 *   <li>EXT-X-MAP on segments is kept only where it changes, and a map on the first segment is
 *       lifted to the playlist, so equal playlists have equal text and vice versa.
 * </ul>
 *
 * @param targetDuration EXT-X-TARGETDURATION (seconds, normalised as above)
 * @param mediaSequence EXT-X-MEDIA-SEQUENCE: sequence number of the first (possibly skipped)
 *     segment
 * @param discontinuitySequence EXT-X-DISCONTINUITY-SEQUENCE
 * @param playlistType EVENT, VOD or null for a sliding window
 * @param iFramesOnly EXT-X-I-FRAMES-ONLY
 * @param independentSegments EXT-X-INDEPENDENT-SEGMENTS
 * @param map initial EXT-X-MAP or null
 * @param serverControl EXT-X-SERVER-CONTROL or null
 * @param partTarget EXT-X-PART-INF PART-TARGET seconds, null without LL-HLS
 * @param skippedSegments EXT-X-SKIP SKIPPED-SEGMENTS (delta update), 0 for a full playlist
 * @param segments complete segments after the skipped ones
 * @param trailingParts parts of the segment still being produced
 * @param preloadHint EXT-X-PRELOAD-HINT or null
 * @param renditionReports EXT-X-RENDITION-REPORT tags
 * @param endList EXT-X-ENDLIST
 */
public record MediaPlaylist(
    int targetDuration,
    long mediaSequence,
    long discontinuitySequence,
    PlaylistType playlistType,
    boolean iFramesOnly,
    boolean independentSegments,
    InitMap map,
    ServerControl serverControl,
    Double partTarget,
    int skippedSegments,
    List<Segment> segments,
    List<Part> trailingParts,
    PreloadHint preloadHint,
    List<RenditionReport> renditionReports,
    boolean endList) {

  public MediaPlaylist {
    segments = List.copyOf(segments);
    trailingParts = trailingParts == null ? List.of() : List.copyOf(trailingParts);
    renditionReports = renditionReports == null ? List.of() : List.copyOf(renditionReports);
    if (mediaSequence < 0 || discontinuitySequence < 0 || skippedSegments < 0) {
      throw new IllegalArgumentException("sequence numbers must not be negative");
    }
    targetDuration = Math.max(Math.max(targetDuration, 1), honestTargetDuration(segments));

    // Keep a segment map only where the init segment actually changes.
    List<Segment> normalised = new ArrayList<>(segments.size());
    InitMap current = map;
    for (Segment s : segments) {
      if (s.map() != null && s.map().equals(current)) {
        s = s.withMap(null);
      } else if (s.map() != null && current == null && normalised.isEmpty()) {
        map = s.map();
        s = s.withMap(null);
      }
      if (s.map() != null) {
        current = s.map();
      }
      normalised.add(s);
    }
    segments = List.copyOf(normalised);

    validateLowLatency(
        targetDuration, serverControl, partTarget, segments, trailingParts, preloadHint);
    if (skippedSegments > 0 && (serverControl == null || serverControl.canSkipUntil() == null)) {
      throw new IllegalArgumentException("EXT-X-SKIP requires CAN-SKIP-UNTIL in server control");
    }
    if (endList && (!trailingParts.isEmpty() || preloadHint != null)) {
      throw new IllegalArgumentException("an ended playlist has no in-progress parts or hint");
    }
  }

  /**
   * The smallest target duration the segments allow: RFC 8216 (4.3.3.1) requires every EXTINF,
   * rounded to the nearest integer, to be at most the target. Rounding (not the ceiling) keeps a
   * 2.005 s audio segment in a 2 s playlist instead of inflating every hold-back by half.
   */
  public static int honestTargetDuration(List<Segment> segments) {
    long max = 0;
    for (Segment s : segments) {
      max = Math.max(max, Math.round(HlsFormat.asWritten(s.duration())));
    }
    return (int) max;
  }

  private static void validateLowLatency(
      int targetDuration,
      ServerControl control,
      Double partTarget,
      List<Segment> segments,
      List<Part> trailingParts,
      PreloadHint hint) {
    boolean hasParts = !trailingParts.isEmpty() || hint != null;
    for (Segment s : segments) {
      hasParts |= !s.parts().isEmpty();
    }
    if (hasParts && partTarget == null) {
      throw new IllegalArgumentException("EXT-X-PART / PRELOAD-HINT require EXT-X-PART-INF");
    }
    if (partTarget != null) {
      if (!(partTarget > 0)) {
        throw new IllegalArgumentException("PART-TARGET must be positive: " + partTarget);
      }
      if (control == null || control.partHoldBack() == null) {
        throw new IllegalArgumentException("EXT-X-PART-INF requires PART-HOLD-BACK");
      }
      if (control.partHoldBack() + 1e-9 < 3 * partTarget) {
        throw new IllegalArgumentException(
            "PART-HOLD-BACK "
                + control.partHoldBack()
                + " must be at least 3x PART-TARGET "
                + partTarget);
      }
      for (Segment s : segments) {
        checkParts(s.parts(), partTarget);
      }
      checkParts(trailingParts, partTarget);
    }
    if (control != null) {
      if (control.holdBack() != null && control.holdBack() + 1e-9 < 3 * targetDuration) {
        throw new IllegalArgumentException(
            "HOLD-BACK " + control.holdBack() + " must be at least 3x target " + targetDuration);
      }
      if (control.canSkipUntil() != null && control.canSkipUntil() + 1e-9 < 6 * targetDuration) {
        throw new IllegalArgumentException(
            "CAN-SKIP-UNTIL "
                + control.canSkipUntil()
                + " must be at least 6x target "
                + targetDuration);
      }
    }
  }

  private static void checkParts(List<Part> parts, double partTarget) {
    for (Part p : parts) {
      if (HlsFormat.asWritten(p.duration()) > partTarget + HlsFormat.EPSILON) {
        throw new IllegalArgumentException(
            "part " + p.uri() + " lasts " + p.duration() + "s, above PART-TARGET " + partTarget);
      }
    }
  }

  /** Protocol version this playlist needs: 7 as the project baseline, 9 for EXT-X-SKIP. */
  public int version() {
    return skippedSegments > 0 ? 9 : 7;
  }

  /** Sequence number of the last complete segment, or mediaSequence - 1 when there is none. */
  public long lastMediaSequence() {
    return mediaSequence + skippedSegments + segments.size() - 1;
  }

  /**
   * Whether a blocking reload ({@code _HLS_msn=msn} and optional {@code _HLS_part=part}) can be
   * answered with this playlist: segment {@code msn} is complete, or with a part index, that part
   * (or the whole segment) is present. Everything after the last complete segment counts as the
   * in-progress segment {@code lastMediaSequence() + 1}.
   */
  public boolean satisfies(long msn, Integer part) {
    long last = lastMediaSequence();
    if (msn <= last) {
      return true;
    }
    return part != null && msn == last + 1 && part < trailingParts.size();
  }

  /** Sum of the durations of the segments present (skipped ones excluded). */
  public double duration() {
    double total = 0;
    for (Segment s : segments) {
      total += s.duration();
    }
    return total;
  }

  public String toM3u8() {
    return HlsWriter.DEFAULT.write(this);
  }

  /**
   * Drops EXT-X-PART tags of segments that ended more than {@code keepSeconds} before the end of
   * the playlist. The spec asks servers to keep parts for roughly the last three target durations.
   */
  public MediaPlaylist withPartsTrimmed(double keepSeconds) {
    double end = duration();
    double segEnd = 0;
    List<Segment> out = new ArrayList<>(segments.size());
    for (Segment s : segments) {
      segEnd += s.duration();
      boolean old = end - segEnd > keepSeconds + 1e-9;
      out.add(old && !s.parts().isEmpty() ? s.withParts(List.of()) : s);
    }
    return toBuilder().segments(out).build();
  }

  /**
   * The delta update for {@code _HLS_skip=YES}: segments lying entirely before the skip boundary
   * (CAN-SKIP-UNTIL seconds before the end of the last segment) become one EXT-X-SKIP tag.
   */
  public MediaPlaylist deltaUpdate() {
    if (serverControl == null || serverControl.canSkipUntil() == null) {
      throw new IllegalStateException("playlist does not offer delta updates");
    }
    double boundary = duration() - serverControl.canSkipUntil();
    int skip = 0;
    double segEnd = 0;
    InitMap effectiveMap = map;
    for (Segment s : segments) {
      segEnd += s.duration();
      if (segEnd > boundary + 1e-9) {
        break;
      }
      if (s.map() != null) {
        effectiveMap = s.map();
      }
      skip++;
    }
    if (skip == 0) {
      return this;
    }
    List<Segment> kept = new ArrayList<>(segments.subList(skip, segments.size()));
    return toBuilder()
        .map(effectiveMap)
        .skippedSegments(skippedSegments + skip)
        .segments(kept)
        .build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.targetDuration = targetDuration;
    b.mediaSequence = mediaSequence;
    b.discontinuitySequence = discontinuitySequence;
    b.playlistType = playlistType;
    b.iFramesOnly = iFramesOnly;
    b.independentSegments = independentSegments;
    b.map = map;
    b.serverControl = serverControl;
    b.partTarget = partTarget;
    b.skippedSegments = skippedSegments;
    b.segments.addAll(segments);
    b.trailingParts.addAll(trailingParts);
    b.preloadHint = preloadHint;
    b.renditionReports.addAll(renditionReports);
    b.endList = endList;
    return b;
  }

  /** Mutable builder; {@link #build()} validates. */
  public static final class Builder {
    private int targetDuration = 1;
    private long mediaSequence;
    private long discontinuitySequence;
    private PlaylistType playlistType;
    private boolean iFramesOnly;
    private boolean independentSegments;
    private InitMap map;
    private ServerControl serverControl;
    private Double partTarget;
    private int skippedSegments;
    private final List<Segment> segments = new ArrayList<>();
    private final List<Part> trailingParts = new ArrayList<>();
    private PreloadHint preloadHint;
    private final List<RenditionReport> renditionReports = new ArrayList<>();
    private boolean endList;

    private Builder() {}

    /** Configured target duration; raised automatically if a segment is longer. */
    public Builder targetDuration(int seconds) {
      this.targetDuration = seconds;
      return this;
    }

    public Builder mediaSequence(long msn) {
      this.mediaSequence = msn;
      return this;
    }

    public Builder discontinuitySequence(long dsn) {
      this.discontinuitySequence = dsn;
      return this;
    }

    public Builder playlistType(PlaylistType type) {
      this.playlistType = type;
      return this;
    }

    public Builder iFramesOnly(boolean value) {
      this.iFramesOnly = value;
      return this;
    }

    public Builder independentSegments(boolean value) {
      this.independentSegments = value;
      return this;
    }

    public Builder map(InitMap value) {
      this.map = value;
      return this;
    }

    public Builder serverControl(ServerControl value) {
      this.serverControl = value;
      return this;
    }

    public Builder partTarget(Double seconds) {
      this.partTarget = seconds;
      return this;
    }

    public Builder skippedSegments(int count) {
      this.skippedSegments = count;
      return this;
    }

    public Builder segments(List<Segment> values) {
      segments.clear();
      segments.addAll(values);
      return this;
    }

    public Builder addSegment(Segment segment) {
      segments.add(Objects.requireNonNull(segment));
      return this;
    }

    public Builder trailingParts(List<Part> values) {
      trailingParts.clear();
      trailingParts.addAll(values);
      return this;
    }

    public Builder addTrailingPart(Part part) {
      trailingParts.add(Objects.requireNonNull(part));
      return this;
    }

    public Builder preloadHint(PreloadHint value) {
      this.preloadHint = value;
      return this;
    }

    public Builder addRenditionReport(RenditionReport report) {
      renditionReports.add(Objects.requireNonNull(report));
      return this;
    }

    public Builder endList(boolean value) {
      this.endList = value;
      return this;
    }

    public MediaPlaylist build() {
      return new MediaPlaylist(
          targetDuration,
          mediaSequence,
          discontinuitySequence,
          playlistType,
          iFramesOnly,
          independentSegments,
          map,
          serverControl,
          partTarget,
          skippedSegments,
          segments,
          trailingParts,
          preloadHint,
          renditionReports,
          endList);
    }
  }
}
