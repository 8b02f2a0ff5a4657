package io.reelay.live;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The latest {@link LiveState} of each stream, shared by every playlist request on one event loop:
 * one Redis read and JSON parse per change of the window instead of one per request (thousands of
 * viewers poll the same stream). An entry is dropped on the stream's change notification, so the
 * next request reads the new state; concurrent requests share one read in flight. Entries also
 * expire after {@code maxAgeMs}, which bounds staleness should a notification be lost while the
 * subscription reconnects. Streams that do not exist are not kept (ids come from clients), and the
 * map is bounded. What requests derive from a state (the rendered playlists) is kept with it.
 * Confined to one event loop.
 */
final class LiveStateCache {
  private static final int MAX_STREAMS = 4096;

  private static final class Entry {
    final Future<LiveState> state;
    final long loadedAt;

    /** What requests computed from this state (rendered playlists), by name. */
    final Map<String, Future<?>> derived = new HashMap<>();

    Entry(Future<LiveState> state, long loadedAt) {
      this.state = state;
      this.loadedAt = loadedAt;
    }
  }

  private final Function<String, Future<LiveState>> loader;
  private final LongSupplier clockMs;
  private final long maxAgeMs;
  private final Map<String, Entry> entries =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
          return size() > MAX_STREAMS;
        }
      };

  LiveStateCache(Function<String, Future<LiveState>> loader, LongSupplier clockMs, long maxAgeMs) {
    this.loader = loader;
    this.clockMs = clockMs;
    this.maxAgeMs = maxAgeMs;
  }

  /** The stream's state, or null when it has none (not live, unknown). */
  Future<LiveState> get(String streamId) {
    long now = clockMs.getAsLong();
    Entry cached = entries.get(streamId);
    if (cached != null && now - cached.loadedAt < maxAgeMs) {
      return cached.state;
    }
    Future<LiveState> load = loader.apply(streamId);
    Entry entry = new Entry(load, now);
    entries.put(streamId, entry);
    load.onComplete(
        ar -> {
          if (ar.failed() || ar.result() == null) {
            entries.remove(streamId, entry);
          }
        });
    return load;
  }

  /**
   * A value computed from {@code state} (a rendered playlist, say), shared by the requests that see
   * the same state and dropped with it. Computed afresh, unshared, when {@code state} is no longer
   * the stream's current one.
   */
  @SuppressWarnings("unchecked")
  <T> Future<T> derived(
      String streamId, LiveState state, String name, Function<LiveState, Future<T>> compute) {
    Entry entry = entries.get(streamId);
    if (entry == null || !entry.state.succeeded() || entry.state.result() != state) {
      return compute.apply(state);
    }
    Future<T> value = (Future<T>) entry.derived.get(name);
    if (value == null) {
      Future<T> computed = compute.apply(state);
      entry.derived.put(name, computed);
      computed.onFailure(err -> entry.derived.remove(name, computed));
      value = computed;
    }
    return value;
  }

  /** The stream's window changed: the next request reads it again. */
  void changed(String streamId) {
    entries.remove(streamId);
  }

  int size() {
    return entries.size();
  }
}
