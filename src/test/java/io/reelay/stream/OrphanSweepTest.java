package io.reelay.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.platform.RedisSettings;
import io.reelay.platform.ReelayVertx;
import io.reelay.testing.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The orphan sweep's decisions in real Redis: nothing while the lease is held, a grace period once
 * it lapsed, then exactly one sweeper claims the stream; a returning publisher cancels the grace.
 */
class OrphanSweepTest {
  private static final long LEASE_MS = 300;
  private static final long GRACE_MS = 400;
  private Vertx vertx;
  private StreamStore store;

  @BeforeEach
  void setUp() {
    vertx = ReelayVertx.create();
    store = new StreamStore(RedisSettings.client(vertx, TestServices.config()));
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private <T> T await(Future<T> f) throws Exception {
    return f.await(10, TimeUnit.SECONDS);
  }

  private String live(String publisherToken) throws Exception {
    String id = await(store.create("owner-orphan", "orphan")).record().id();
    assertTrue(await(store.acquire(id, publisherToken, LEASE_MS)));
    assertEquals(1, await(store.markLive(id)).session());
    assertTrue(await(store.liveIds()).contains(id));
    return id;
  }

  private long sweep(String id, String sweeper) throws Exception {
    return await(store.sweepOrphan(id, sweeper, GRACE_MS, 5000));
  }

  @Test
  @DisplayName("a lapsed lease starts a grace period, after which exactly one sweeper ends it")
  void lapsedLeaseEndsOnce() throws Exception {
    String id = live("dead-ingest");
    assertEquals(0, sweep(id, "sweeper-a"), "lease still held: nothing to do");
    Thread.sleep(LEASE_MS + 100);
    assertEquals(0, sweep(id, "sweeper-a"), "lease lapsed: the grace period starts");
    assertEquals(0, sweep(id, "sweeper-b"), "grace period running");
    Thread.sleep(GRACE_MS + 100);
    List<Long> claims =
        await(
            Future.all(
                    store.sweepOrphan(id, "sweeper-a", GRACE_MS, 5000),
                    store.sweepOrphan(id, "sweeper-b", GRACE_MS, 5000))
                .map(all -> List.<Long>of(all.resultAt(0), all.resultAt(1))));
    assertEquals(1, claims.stream().filter(c -> c == 1L).count(), "one claim: " + claims);
    String winner = claims.get(0) == 1L ? "sweeper-a" : "sweeper-b";
    String loser = winner.equals("sweeper-a") ? "sweeper-b" : "sweeper-a";
    assertFalse(await(store.markEnded(id, 1, loser)), "the other sweeper cannot end it");
    assertTrue(await(store.markEnded(id, 1, winner)));
    assertEquals(StreamRecord.State.ENDED, await(store.get(id)).state());
    assertFalse(await(store.liveIds()).contains(id));
    assertEquals(0, sweep(id, "sweeper-a"), "an ended stream is left alone");
    assertTrue(await(store.acquire(id, "next-publisher", LEASE_MS)), "the claim lock is gone");
  }

  @Test
  @DisplayName("a publisher back within the grace period keeps the stream live")
  void returningPublisherCancelsGrace() throws Exception {
    String id = live("first-ingest");
    Thread.sleep(LEASE_MS + 100);
    assertEquals(0, sweep(id, "sweeper"), "grace period starts");
    assertTrue(await(store.acquire(id, "second-ingest", 10_000)));
    assertEquals(2, await(store.markLive(id)).session());
    Thread.sleep(GRACE_MS + 100);
    assertEquals(0, sweep(id, "sweeper"), "publishing again: nothing to end");
    assertFalse(await(store.markEnded(id, 1)), "the old session cannot end the new one");
    assertEquals(StreamRecord.State.LIVE, await(store.get(id)).state());
  }
}
