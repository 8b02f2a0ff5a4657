package io.reelay.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The shared window state: one read per change, started by the notification; requests meanwhile
 * answered from the state before; new media read ahead before a new state is served.
 */
class LiveStateCacheTest {
  private final List<Promise<LiveState>> reads = new ArrayList<>();
  private final List<Promise<Void>> warmUps = new ArrayList<>();
  private final List<String> warmed = new ArrayList<>();
  private final List<String> updates = new ArrayList<>();
  private final AtomicLong clock = new AtomicLong(1_000);
  private final LiveStateCache cache =
      new LiveStateCache(
          id -> {
            Promise<LiveState> p = Promise.promise();
            reads.add(p);
            return p.future();
          },
          (previous, next) -> {
            warmed.add(
                (previous == null ? "-" : previous.discontinuitySequence())
                    + ">"
                    + next.discontinuitySequence());
            Promise<Void> p = Promise.promise();
            warmUps.add(p);
            return p.future();
          },
          updates::add,
          clock::get,
          500);

  private static LiveState state(String id, long version) {
    return new LiveState(id, 0L, 2.0, 0.4, false, version, Map.of());
  }

  /** Completes the newest read with {@code s} and its warm-up. */
  private void serve(LiveState s) {
    reads.get(reads.size() - 1).complete(s);
    warmUps.get(warmUps.size() - 1).complete();
  }

  @Test
  @DisplayName("a stream's first requests share one read; later ones reuse its result")
  void sharesOneRead() {
    Future<LiveState> a = cache.get("s1");
    Future<LiveState> b = cache.get("s1");
    assertEquals(1, reads.size());
    LiveState s = state("s1", 7);
    serve(s);
    assertSame(s, a.result());
    assertSame(s, b.result());
    assertSame(s, cache.get("s1").result());
    assertEquals(1, reads.size());
    assertEquals(List.of("-" + ">7"), warmed);
  }

  @Test
  @DisplayName("a notification starts the read; requests meanwhile get the state before it")
  void staleWhileTheNewStateIsRead() {
    cache.get("s1");
    LiveState first = state("s1", 1);
    serve(first);
    updates.clear();
    cache.changed("s1");
    assertEquals(2, reads.size(), "read at the notification, before any request");
    assertSame(first, cache.get("s1").result(), "nobody waits for Redis");
    LiveState second = state("s1", 2);
    reads.get(1).complete(second);
    assertEquals(List.of("1>2"), warmed.subList(1, 2), "its new media is read ahead");
    assertFalse(warmUps.get(1).future().isComplete());
    assertSame(second, cache.get("s1").result(), "served without waiting for the read-ahead");
    assertEquals(List.of("s1"), updates, "blocking requests are told");
    assertEquals(2, reads.size());
  }

  @Test
  @DisplayName("a notification during a read makes one more read after it")
  void changeMidRead() {
    cache.get("s1");
    cache.changed("s1");
    cache.changed("s1");
    assertEquals(1, reads.size());
    serve(state("s1", 1));
    assertEquals(2, reads.size(), "read again: the first one may predate the change");
    serve(state("s1", 2));
    assertEquals(2, cache.get("s1").result().discontinuitySequence());
    assertEquals(2, reads.size());
  }

  @Test
  @DisplayName("a failed read-ahead changes nothing")
  void warmUpFailureIsHarmless() {
    cache.get("s1");
    serve(state("s1", 1));
    cache.changed("s1");
    reads.get(1).complete(state("s1", 2));
    warmUps.get(1).fail("redis slow");
    assertEquals(2, cache.get("s1").result().discontinuitySequence());
  }

  @Test
  @DisplayName("without notifications: refreshed past maxAgeMs, waited for past the stale limit")
  void expires() {
    cache.get("s1");
    serve(state("s1", 1));
    clock.addAndGet(499);
    cache.get("s1");
    assertEquals(1, reads.size());
    clock.addAndGet(1);
    Future<LiveState> stale = cache.get("s1");
    assertEquals(2, reads.size());
    assertEquals(1, stale.result().discontinuitySequence(), "served while it is read");
    serve(state("s1", 2));

    clock.addAndGet(LiveStateCache.STALE_LIMIT_FACTOR * 500L);
    Future<LiveState> waiting = cache.get("s1");
    assertEquals(3, reads.size());
    assertFalse(waiting.isComplete(), "too old to serve");
    serve(state("s1", 3));
    assertEquals(3, waiting.result().discontinuitySequence());
  }

  @Test
  @DisplayName(
      "unknown streams and failed first reads are not kept; a failed refresh keeps the old")
  void keepsNoMisses() {
    Future<LiveState> miss = cache.get("nope");
    reads.get(0).complete(null);
    assertNull(miss.result());
    assertEquals(0, cache.size());
    assertEquals(List.of("nope"), updates);
    cache.get("nope");
    assertEquals(2, reads.size());
    reads.get(1).fail(new IllegalStateException("redis down"));
    assertEquals(0, cache.size());
    cache.get("nope");
    assertEquals(3, reads.size());

    cache.get("s1");
    serve(state("s1", 1));
    cache.changed("s1");
    reads.get(reads.size() - 1).fail(new IllegalStateException("redis down"));
    assertEquals(1, cache.get("s1").result().discontinuitySequence());
  }

  @Test
  @DisplayName("a stream that ends is dropped and its waiters told")
  void streamGoesAway() {
    cache.get("s1");
    serve(state("s1", 1));
    updates.clear();
    cache.changed("s1");
    reads.get(1).complete(null);
    assertEquals(List.of("s1"), updates);
    assertEquals(0, cache.size());
  }

  @Test
  @DisplayName("streams nobody here asked for lately are dropped, not refreshed")
  void idleStreamsAreDropped() {
    cache.get("s1");
    serve(state("s1", 1));
    clock.addAndGet(LiveStateCache.IDLE_MS + 1);
    cache.changed("s1");
    assertEquals(1, reads.size());
    assertEquals(0, cache.size());
  }

  @Test
  @DisplayName("what is derived from a state is shared until the state changes; failures are not")
  void derivedValuesLiveWithTheirState() {
    cache.get("s1");
    LiveState first = state("s1", 1);
    serve(first);
    int[] renders = {0};
    java.util.function.Function<LiveState, Future<String>> render =
        st -> Future.succeededFuture("v" + st.discontinuitySequence() + "#" + ++renders[0]);
    assertEquals("v1#1", cache.derived("s1", first, "master", render).result());
    assertEquals("v1#1", cache.derived("s1", first, "master", render).result());
    assertEquals("v1#2", cache.derived("s1", first, "media", render).result(), "per name");

    cache.changed("s1");
    LiveState second = state("s1", 2);
    serve(second);
    assertEquals("v2#3", cache.derived("s1", second, "master", render).result());
    assertEquals(
        "v1#4",
        cache.derived("s1", first, "master", render).result(),
        "an old state is rendered for its request, not cached");
    assertEquals("v2#3", cache.derived("s1", second, "master", render).result());

    Future<String> failed =
        cache.derived("s1", second, "mpd", st -> Future.failedFuture("redis down"));
    assertTrue(failed.failed());
    assertEquals(
        "ok", cache.derived("s1", second, "mpd", st -> Future.succeededFuture("ok")).result());
  }
}
