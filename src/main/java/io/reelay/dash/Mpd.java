package io.reelay.dash;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A DASH Media Presentation Description, static (VOD) or dynamic (live).
 *
 * @param type static or dynamic
 * @param profiles profile URNs, see {@link #PROFILE_ISOFF_LIVE} and {@link #PROFILE_CMAF}
 * @param minBufferTime required by the schema
 * @param mediaPresentationDuration required for static; for dynamic only once the live ends
 * @param availabilityStartTime anchor of the live timeline (required for dynamic)
 * @param publishTime when this MPD version was produced (required for dynamic)
 * @param minimumUpdatePeriod how often a live client should refetch, or null
 * @param timeShiftBufferDepth DVR window, or null
 * @param suggestedPresentationDelay distance from the live edge clients should play at, or null
 * @param maxSegmentDuration longest segment, or null
 * @param baseUrl optional BaseURL (left untouched by the token query; see {@link DashWriter})
 * @param periods the Periods
 * @param utcTimings clock sources for live clients
 */
public record Mpd(
    Type type,
    List<String> profiles,
    Duration minBufferTime,
    Duration mediaPresentationDuration,
    Instant availabilityStartTime,
    Instant publishTime,
    Duration minimumUpdatePeriod,
    Duration timeShiftBufferDepth,
    Duration suggestedPresentationDelay,
    Duration maxSegmentDuration,
    String baseUrl,
    List<Period> periods,
    List<UtcTiming> utcTimings) {

  public static final String PROFILE_ISOFF_LIVE = "urn:mpeg:dash:profile:isoff-live:2011";
  public static final String PROFILE_CMAF = "urn:mpeg:dash:profile:cmaf:2019";

  /** MPD@type. */
  public enum Type {
    STATIC,
    DYNAMIC;

    public String attribute() {
      return this == STATIC ? "static" : "dynamic";
    }
  }

  public Mpd {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(minBufferTime, "minBufferTime");
    profiles = List.copyOf(profiles);
    periods = List.copyOf(periods);
    utcTimings = utcTimings == null ? List.of() : List.copyOf(utcTimings);
    if (profiles.isEmpty()) {
      throw new IllegalArgumentException("an MPD needs a profile");
    }
    if (periods.isEmpty()) {
      throw new IllegalArgumentException("an MPD needs a Period");
    }
    if (type == Type.STATIC) {
      if (mediaPresentationDuration == null) {
        throw new IllegalArgumentException("a static MPD needs mediaPresentationDuration");
      }
      if (minimumUpdatePeriod != null) {
        throw new IllegalArgumentException("minimumUpdatePeriod is only for dynamic MPDs");
      }
    } else if (availabilityStartTime == null || publishTime == null) {
      throw new IllegalArgumentException(
          "a dynamic MPD needs availabilityStartTime and publishTime");
    }
    for (Duration d :
        new Duration[] {
          minBufferTime,
          mediaPresentationDuration,
          minimumUpdatePeriod,
          timeShiftBufferDepth,
          suggestedPresentationDelay,
          maxSegmentDuration
        }) {
      if (d != null && d.isNegative()) {
        throw new IllegalArgumentException("negative duration: " + d);
      }
    }
    Set<String> ids = new HashSet<>();
    for (Period p : periods) {
      if (!ids.add(p.id())) {
        throw new IllegalArgumentException("duplicate Period id " + p.id());
      }
    }
    // Millisecond precision is what we write; normalise so values compare as written.
    availabilityStartTime = millis(availabilityStartTime);
    publishTime = millis(publishTime);
  }

  private static Instant millis(Instant i) {
    return i == null ? null : i.truncatedTo(ChronoUnit.MILLIS);
  }

  public String toXml() {
    return DashWriter.DEFAULT.write(this);
  }

  /** A VOD presentation. */
  public static Builder staticBuilder(Duration mediaPresentationDuration) {
    Builder b = new Builder(Type.STATIC);
    b.mediaPresentationDuration = mediaPresentationDuration;
    return b;
  }

  /** A live presentation. */
  public static Builder dynamicBuilder(Instant availabilityStartTime, Instant publishTime) {
    Builder b = new Builder(Type.DYNAMIC);
    b.availabilityStartTime = availabilityStartTime;
    b.publishTime = publishTime;
    return b;
  }

  /** Builder; profiles default to isoff-live + CMAF, minBufferTime to 2 s. */
  public static final class Builder {
    private final Type type;
    private final List<String> profiles =
        new ArrayList<>(List.of(PROFILE_ISOFF_LIVE, PROFILE_CMAF));
    private Duration minBufferTime = Duration.ofSeconds(2);
    private Duration mediaPresentationDuration;
    private Instant availabilityStartTime;
    private Instant publishTime;
    private Duration minimumUpdatePeriod;
    private Duration timeShiftBufferDepth;
    private Duration suggestedPresentationDelay;
    private Duration maxSegmentDuration;
    private String baseUrl;
    private final List<Period> periods = new ArrayList<>();
    private final List<UtcTiming> utcTimings = new ArrayList<>();

    private Builder(Type type) {
      this.type = type;
    }

    public Builder profiles(List<String> values) {
      profiles.clear();
      profiles.addAll(values);
      return this;
    }

    public Builder minBufferTime(Duration value) {
      this.minBufferTime = value;
      return this;
    }

    public Builder mediaPresentationDuration(Duration value) {
      this.mediaPresentationDuration = value;
      return this;
    }

    public Builder minimumUpdatePeriod(Duration value) {
      this.minimumUpdatePeriod = value;
      return this;
    }

    public Builder timeShiftBufferDepth(Duration value) {
      this.timeShiftBufferDepth = value;
      return this;
    }

    public Builder suggestedPresentationDelay(Duration value) {
      this.suggestedPresentationDelay = value;
      return this;
    }

    public Builder maxSegmentDuration(Duration value) {
      this.maxSegmentDuration = value;
      return this;
    }

    public Builder baseUrl(String value) {
      this.baseUrl = value;
      return this;
    }

    public Builder addPeriod(Period value) {
      periods.add(Objects.requireNonNull(value));
      return this;
    }

    public Builder addUtcTiming(UtcTiming value) {
      utcTimings.add(Objects.requireNonNull(value));
      return this;
    }

    public Mpd build() {
      return new Mpd(
          type,
          profiles,
          minBufferTime,
          mediaPresentationDuration,
          availabilityStartTime,
          publishTime,
          minimumUpdatePeriod,
          timeShiftBufferDepth,
          suggestedPresentationDelay,
          maxSegmentDuration,
          baseUrl,
          periods,
          utcTimings);
    }
  }
}
