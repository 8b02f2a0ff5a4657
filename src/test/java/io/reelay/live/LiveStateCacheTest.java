package io.reelay.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** The shared window state: one read per change, never older than the last notification. */
class LiveStateCacheTest {
  private final List<Promise<LiveState>> reads = new ArrayList<>();
  private final AtomicLong clock = new AtomicLong(1_000);
  private final LiveStateCache cache =
      new LiveStateCache(
          id -> {
            Promise<LiveState> p = Promise.promise();
            reads.add(p);
            return p.future();
          },
          clock::get,
          500);

  private static LiveState state(String id, long version) {
    return new LiveState(id, 0L, 2.0, 0.4, false, version, Map.of());
  }

  @Test
  @DisplayName("requests while a read is in flight share it; later ones reuse its result")
  void sharesOneRead() {
    Future<LiveState> a = cache.get("s1");
    Future<LiveState> b = cache.get("s1");
    assertEquals(1, reads.size());
    LiveState s = state("s1", 7);
    reads.get(0).complete(s);
    assertSame(s, a.result());
    assertSame(s, b.result());
    assertSame(s, cache.get("s1").result());
    assertEquals(1, reads.size());
  }

  @Test
  @DisplayName("a change notification makes the next request read again, even mid-read")
  void changeForcesARead() {
    cache.get("s1");
    cache.changed("s1"); // the window changed while the first read was in flight
    Future<LiveState> after = cache.get("s1");
    assertEquals(2, reads.size());
    reads.get(0).complete(state("s1", 1));
    LiveState newer = state("s1", 2);
    reads.get(1).complete(newer);
    assertSame(newer, after.result());
    assertSame(newer, cache.get("s1").result(), "the stale read did not replace the new one");
    assertEquals(2, reads.size());
  }

  @Test
  @DisplayName("without notifications an entry serves at most maxAgeMs")
  void expires() {
    cache.get("s1");
    reads.get(0).complete(state("s1", 1));
    clock.addAndGet(499);
    cache.get("s1");
    assertEquals(1, reads.size());
    clock.addAndGet(1);
    cache.get("s1");
    assertEquals(2, reads.size());
  }

  @Test
  @DisplayName("unknown streams and failed reads are not kept")
  void keepsNoMisses() {
    Future<LiveState> miss = cache.get("nope");
    reads.get(0).complete(null);
    assertNull(miss.result());
    assertEquals(0, cache.size());
    cache.get("nope");
    assertEquals(2, reads.size());
    reads.get(1).fail(new IllegalStateException("redis down"));
    assertEquals(0, cache.size());
    cache.get("nope");
    assertEquals(3, reads.size());
  }

  @Test
  @DisplayName("what is derived from a state is shared until the state changes; failures are not")
  void derivedValuesLiveWithTheirState() {
    cache.get("s1");
    LiveState first = state("s1", 1);
    reads.get(0).complete(first);
    int[] renders = {0};
    java.util.function.Function<LiveState, Future<String>> render =
        st -> Future.succeededFuture("v" + st.discontinuitySequence() + "#" + ++renders[0]);
    assertEquals("v1#1", cache.derived("s1", first, "master", render).result());
    assertEquals("v1#1", cache.derived("s1", first, "master", render).result());
    assertEquals("v1#2", cache.derived("s1", first, "media", render).result(), "per name");

    cache.changed("s1");
    cache.get("s1");
    LiveState second = state("s1", 2);
    reads.get(1).complete(second);
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
