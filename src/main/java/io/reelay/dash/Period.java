package io.reelay.dash;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A Period.
 *
 * @param id id (required for dynamic MPDs so clients can track it across updates)
 * @param start start relative to the presentation (availabilityStartTime for live), or null
 * @param duration duration, or null (open-ended live, or the last period of a static MPD)
 * @param adaptationSets the AdaptationSets
 */
public record Period(
    String id, Duration start, Duration duration, List<AdaptationSet> adaptationSets) {

  public Period {
    Objects.requireNonNull(id, "id");
    adaptationSets = List.copyOf(adaptationSets);
    if (adaptationSets.isEmpty()) {
      throw new IllegalArgumentException("a Period needs an AdaptationSet");
    }
  }

  public static Period of(String id, Duration start, List<AdaptationSet> sets) {
    return new Period(id, start, null, sets);
  }
}
