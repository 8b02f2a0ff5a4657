package io.reelay.live;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The latest {@link LiveState} of each stream watched on one event loop, shared by every playlist
 * request: one Redis read and JSON parse per change of the window instead of one per request
 * (thousands of viewers poll the same stream).
 *
 * <p>No viewer waits for Redis once a stream is being watched: a change notification starts the
 * read of the new state at once, and until it is in, requests are answered from the state before it
 * (stale-while-revalidate; it is at most one part behind, which the playlists' caching allows
 * anyway). When a new state replaces the old one, the {@code warm} step starts: the delivery module
 * reads the media the new state adds into its in-process cache, so the viewers who learn of a new
 * segment from the next playlist find it in memory or being read, one read for all of them. Then
 * {@code onUpdate} runs (blocking playlist reloads re-check there).
 *
 * <p>A stream's first request waits for its read. Without notifications (one lost while the
 * subscription reconnects) an entry is refreshed once it is {@code maxAgeMs} old, and a request
 * finding it older than {@link #STALE_LIMIT_FACTOR} times that waits for the fresh read. Streams
 * that do not exist are not kept (ids come from clients), nor streams nobody asked for in {@link
 * #IDLE_MS}, and the map is bounded. What requests derive from a state (the rendered playlists) is
 * kept with it. Confined to one event loop.
 */
final class LiveStateCache {
  private static final int MAX_STREAMS = 4096;

  /** Past this many times {@code maxAgeMs} without a fresh read, requests wait for one. */
  static final int STALE_LIMIT_FACTOR = 10;

  /** A stream nobody on this loop asked for in this long is dropped instead of refreshed. */
  static final long IDLE_MS = 30_000;

  private static final class Entry {
    /** The state requests are answered from; null until the first read completes. */
    LiveState current;

    long loadedAt;
    long lastAskedAt;

    /** The read in flight, or null. */
    Future<LiveState> refreshing;

    /** A notification came while {@link #refreshing} was in flight: read again after it. */
    boolean changedMeanwhile;

    /** What requests computed from {@link #current} (rendered playlists), by name. */
    Map<String, Future<?>> derived = new HashMap<>();
  }

  private final Function<String, Future<LiveState>> loader;
  private final BiFunction<LiveState, LiveState, Future<?>> warm;
  private final Consumer<String> onUpdate;
  private final LongSupplier clockMs;
  private final long maxAgeMs;
  private final Map<String, Entry> entries =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
          return size() > MAX_STREAMS;
        }
      };

  /**
   * @param loader reads a stream's state (null when it is not live)
   * @param warm started with (previous, next) as {@code next} is served; its outcome is not awaited
   * @param onUpdate told after a stream's served state changed (or the stream went away)
   */
  LiveStateCache(
      Function<String, Future<LiveState>> loader,
      BiFunction<LiveState, LiveState, Future<?>> warm,
      Consumer<String> onUpdate,
      LongSupplier clockMs,
      long maxAgeMs) {
    this.loader = loader;
    this.warm = warm;
    this.onUpdate = onUpdate;
    this.clockMs = clockMs;
    this.maxAgeMs = maxAgeMs;
  }

  /** The stream's state, or null when it has none (not live, unknown). */
  Future<LiveState> get(String streamId) {
    long now = clockMs.getAsLong();
    Entry entry = entries.get(streamId);
    if (entry == null) {
      entry = new Entry();
      entries.put(streamId, entry);
    }
    entry.lastAskedAt = now;
    if (entry.current == null) {
      return entry.refreshing != null ? entry.refreshing : refresh(streamId, entry);
    }
    long age = now - entry.loadedAt;
    if (age >= maxAgeMs) {
      Future<LiveState> fresh =
          entry.refreshing != null ? entry.refreshing : refresh(streamId, entry);
      if (age >= STALE_LIMIT_FACTOR * maxAgeMs) {
        return fresh;
      }
    }
    return Future.succeededFuture(entry.current);
  }

  private Future<LiveState> refresh(String streamId, Entry entry) {
    LiveState previous = entry.current;
    // The read-ahead starts with the new state but does not hold it back: a player waiting for
    // the next part learns of it one Redis round trip sooner, and whoever asks for the new media
    // before it is in joins the read in flight.
    Future<LiveState> read =
        loader
            .apply(streamId)
            .onSuccess(
                next -> {
                  if (next != null) {
                    warm.apply(previous, next);
                  }
                });
    entry.refreshing = read;
    read.onComplete(
        ar -> {
          if (entries.get(streamId) != entry) {
            return; // dropped meanwhile
          }
          entry.refreshing = null;
          if (ar.succeeded() && ar.result() == null) {
            entries.remove(streamId);
            onUpdate.accept(streamId);
            return;
          }
          if (ar.failed()) {
            if (entry.current == null) {
              entries.remove(streamId); // nothing to serve: the next request reads again
            }
            entry.changedMeanwhile = false; // the next request past maxAgeMs retries
            return;
          }
          entry.current = ar.result();
          entry.loadedAt = clockMs.getAsLong();
          entry.derived = new HashMap<>();
          if (entry.changedMeanwhile) {
            entry.changedMeanwhile = false;
            refresh(streamId, entry);
          }
          onUpdate.accept(streamId);
        });
    return read;
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
    if (entry == null || entry.current != state) {
      return compute.apply(state);
    }
    Map<String, Future<?>> derived = entry.derived;
    Future<T> value = (Future<T>) derived.get(name);
    if (value == null) {
      Future<T> computed = compute.apply(state);
      derived.put(name, computed);
      computed.onFailure(err -> derived.remove(name, computed));
      value = computed;
    }
    return value;
  }

  /** The stream's window changed: read it now, if anyone here watches it. */
  void changed(String streamId) {
    Entry entry = entries.get(streamId);
    if (entry == null) {
      return;
    }
    if (entry.refreshing != null) {
      entry.changedMeanwhile = true;
    } else if (clockMs.getAsLong() - entry.lastAskedAt > IDLE_MS) {
      entries.remove(streamId);
    } else {
      refresh(streamId, entry);
    }
  }

  int size() {
    return entries.size();
  }
}
