package io.reelay.dash;

import java.util.Objects;

/**
 * SegmentTemplate. Either a {@link SegmentTimeline} or a constant {@code duration} describes the
 * segments.
 *
 * @param timescale ticks per second
 * @param initialization init segment template
 * @param media media segment template ({@code $Number%05d$} or {@code $Time$})
 * @param startNumber number of the first segment in the timeline, or null (1)
 * @param presentationTimeOffset media time mapped to the Period start, or null (0)
 * @param duration constant segment duration in ticks when there is no timeline, or null
 * @param availabilityTimeOffset seconds a segment is available early (low-latency chunked), or null
 * @param availabilityTimeComplete false when segments are delivered chunked before completion, or
 *     null
 * @param timeline the SegmentTimeline, or null
 */
public record SegmentTemplate(
    long timescale,
    String initialization,
    String media,
    Long startNumber,
    Long presentationTimeOffset,
    Long duration,
    Double availabilityTimeOffset,
    Boolean availabilityTimeComplete,
    SegmentTimeline timeline) {

  public SegmentTemplate {
    if (timescale <= 0) {
      throw new IllegalArgumentException("timescale must be positive: " + timescale);
    }
    Objects.requireNonNull(media, "media");
    if (timeline != null && duration != null) {
      throw new IllegalArgumentException("use either a SegmentTimeline or a duration");
    }
    if (timeline == null && duration == null) {
      throw new IllegalArgumentException("a SegmentTemplate needs a SegmentTimeline or a duration");
    }
  }

  public static Builder builder(long timescale) {
    return new Builder(timescale);
  }

  /** Builder; initialization and media default to {@link DashNaming#DEFAULT}. */
  public static final class Builder {
    private final long timescale;
    private String initialization = DashNaming.DEFAULT.initialization();
    private String media = DashNaming.DEFAULT.media();
    private Long startNumber;
    private Long presentationTimeOffset;
    private Long duration;
    private Double availabilityTimeOffset;
    private Boolean availabilityTimeComplete;
    private SegmentTimeline timeline;

    private Builder(long timescale) {
      this.timescale = timescale;
    }

    public Builder naming(DashNaming naming) {
      this.initialization = naming.initialization();
      this.media = naming.media();
      return this;
    }

    public Builder initialization(String value) {
      this.initialization = value;
      return this;
    }

    public Builder media(String value) {
      this.media = value;
      return this;
    }

    public Builder startNumber(long value) {
      this.startNumber = value;
      return this;
    }

    public Builder presentationTimeOffset(long value) {
      this.presentationTimeOffset = value;
      return this;
    }

    public Builder duration(long ticks) {
      this.duration = ticks;
      return this;
    }

    public Builder availabilityTimeOffset(double seconds) {
      this.availabilityTimeOffset = seconds;
      return this;
    }

    public Builder availabilityTimeComplete(boolean value) {
      this.availabilityTimeComplete = value;
      return this;
    }

    public Builder timeline(SegmentTimeline value) {
      this.timeline = value;
      return this;
    }

    public SegmentTemplate build() {
      return new SegmentTemplate(
          timescale,
          initialization,
          media,
          startNumber,
          presentationTimeOffset,
          duration,
          availabilityTimeOffset,
          availabilityTimeComplete,
          timeline);
    }
  }
}
