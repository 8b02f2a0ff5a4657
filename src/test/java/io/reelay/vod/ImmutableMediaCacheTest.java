package io.reelay.vod;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImmutableMediaCacheTest {
  @TempDir Path dir;

  private ImmutableMediaCache cache(long maxBytes) {
    return new ImmutableMediaCache(dir, maxBytes, 1 << 20, TimeUnit.MINUTES.toNanos(1));
  }

  @Test
  @DisplayName("a stale entry stays served; one caller at a time revalidates it; renewal keeps it")
  void staleWhileRevalidate() throws Exception {
    ImmutableMediaCache cache = cache(1 << 20);
    cache.store("a", Buffer.buffer("segment bytes"), "\"e1\"", null);
    ImmutableMediaCache.Entry e = cache.get("a");
    assertNotNull(e);
    assertFalse(cache.stale(e));
    assertFalse(cache.claimRevalidation("missing"), "nothing to revalidate");

    cache.expire("a");
    ImmutableMediaCache.Entry stale = cache.get("a");
    assertSame(e.file(), stale.file(), "still served, same file");
    assertTrue(cache.stale(stale));
    assertTrue(cache.claimRevalidation("a"));
    assertFalse(cache.claimRevalidation("a"), "a second caller does not ask the store again");

    cache.renew("a", stale);
    ImmutableMediaCache.Entry renewed = cache.get("a");
    assertSame(e.file(), renewed.file());
    assertFalse(cache.stale(renewed));
    assertTrue(cache.claimRevalidation("a"), "the claim ended with the renewal");
    cache.revalidationFailed("a");
    assertTrue(cache.claimRevalidation("a"), "a failed revalidation can be tried again");
  }

  @Test
  @DisplayName("an entry the store lost is dropped; a stale claim never brings back a newer entry")
  void invalidate() throws Exception {
    ImmutableMediaCache cache = cache(1 << 20);
    cache.store("a", Buffer.buffer("old"), "\"e1\"", null);
    ImmutableMediaCache.Entry old = cache.get("a");
    cache.expire("a");
    assertTrue(cache.claimRevalidation("a"));
    cache.invalidate("a", old);
    assertNull(cache.get("a"));
    assertTrue(old.file().send(null, null, null).failed(), "its file is discarded");

    cache.store("a", Buffer.buffer("new"), "\"e2\"", null);
    ImmutableMediaCache.Entry fresh = cache.get("a");
    cache.invalidate("a", old); // a late answer about the old copy
    cache.renew("a", old);
    assertSame(fresh, cache.get("a"), "the newer entry is untouched");
  }

  @Test
  @DisplayName("an entry evicted while it is revalidated does not come back")
  void evictedDuringRevalidation() throws Exception {
    ImmutableMediaCache cache = cache(8);
    cache.store("a", Buffer.buffer("12345"), null, null);
    ImmutableMediaCache.Entry a = cache.get("a");
    cache.expire("a");
    assertTrue(cache.claimRevalidation("a"));
    cache.store("b", Buffer.buffer("67890"), null, null); // over 8 bytes: "a" goes
    assertNull(cache.get("a"));
    cache.renew("a", a);
    assertNull(cache.get("a"));
    assertNotNull(cache.get("b"));
  }
}
