package io.reelay.vod;

import io.reelay.http.MediaFile;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The process's copy of recently served immutable VOD files (segments, init segments, images), so a
 * popular segment costs one object-store round trip rather than one per viewer, and goes out by
 * {@code sendfile(2)} ({@link MediaFile}). Bounded by bytes (least recently used out first) and by
 * object size; delivery consults it only for videos whose record exists.
 *
 * <p>An entry older than its freshness period is still served, and the first request that finds it
 * so revalidates it against the store in the background, alone ({@link #claimRevalidation}): still
 * there with the same ETag, it is fresh again ({@link #renew}); gone or changed, it is dropped
 * ({@link #invalidate}). Dropping it at expiry instead sent every viewer who asked for a popular
 * segment in that instant to the store at once, a stall that set the p99 of the whole server.
 * Shared by the process's delivery instances.
 */
final class ImmutableMediaCache {
  /** What a cached object answers with. */
  record Entry(MediaFile file, String etag, String lastModified, long freshUntilNanos) {}

  private static final Map<Path, ImmutableMediaCache> SHARED = new HashMap<>();

  private final Path dir;
  private final long maxBytes;
  private final int maxObjectBytes;
  private final long freshNanos;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);
  private final Set<String> revalidating = new HashSet<>();
  private long bytes;

  ImmutableMediaCache(Path dir, long maxBytes, int maxObjectBytes, long freshNanos) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.maxObjectBytes = maxObjectBytes;
    this.freshNanos = freshNanos;
  }

  /** The one cache of the delivery instances that keep their files in {@code dir}. */
  static ImmutableMediaCache shared(Path dir, long maxBytes, int maxObjectBytes, long freshNanos) {
    synchronized (SHARED) {
      return SHARED.computeIfAbsent(
          dir, d -> new ImmutableMediaCache(d, maxBytes, maxObjectBytes, freshNanos));
    }
  }

  boolean fits(long length) {
    return length >= 0 && length <= maxObjectBytes;
  }

  /** The cached entry, fresh or due for revalidation, or null. */
  synchronized Entry get(String key) {
    return entries.get(key);
  }

  /** Whether {@code e} is past its freshness period. */
  boolean stale(Entry e) {
    return e.freshUntilNanos - System.nanoTime() < 0;
  }

  /**
   * True for the one caller that is to revalidate {@code key} now; false while another one does.
   * The caller ends its claim with {@link #renew}, {@link #invalidate} or {@link
   * #revalidationFailed}.
   */
  synchronized boolean claimRevalidation(String key) {
    return entries.containsKey(key) && revalidating.add(key);
  }

  /** The store still has {@code e}'s object as it was: fresh for another period. */
  synchronized void renew(String key, Entry e) {
    revalidating.remove(key);
    Entry now = entries.get(key);
    if (now != null && now.file() == e.file()) {
      entries.put(
          key, new Entry(e.file(), e.etag(), e.lastModified(), System.nanoTime() + freshNanos));
    }
  }

  /** The store no longer has {@code e}'s object, or has other bytes under its key: drop it. */
  synchronized void invalidate(String key, Entry e) {
    revalidating.remove(key);
    Entry now = entries.get(key);
    if (now != null && now.file() == e.file()) {
      entries.remove(key);
      evict(now);
    }
  }

  /** The store could not say (unreachable, 5xx): keep serving; a later request tries again. */
  synchronized void revalidationFailed(String key) {
    revalidating.remove(key);
  }

  /** Makes {@code key}'s entry due for revalidation now (tests). */
  synchronized void expire(String key) {
    Entry e = entries.get(key);
    if (e != null) {
      entries.put(key, new Entry(e.file(), e.etag(), e.lastModified(), System.nanoTime() - 1));
    }
  }

  /** Keeps {@code body} in a file. Blocking (it writes the file): call it off the event loop. */
  void store(String key, Buffer body, String etag, String lastModified) throws IOException {
    // Viewers who missed together each fetched it; one file is enough.
    if (!fits(body.length()) || get(key) != null) {
      return;
    }
    MediaFile file = MediaFile.write(dir, body);
    put(key, new Entry(file, etag, lastModified, System.nanoTime() + freshNanos));
  }

  private synchronized void put(String key, Entry e) {
    Entry old = entries.put(key, e);
    bytes += e.file().length();
    if (old != null) {
      evict(old);
    }
    Iterator<Map.Entry<String, Entry>> eldest = entries.entrySet().iterator();
    while (bytes > maxBytes && eldest.hasNext()) {
      Entry out = eldest.next().getValue();
      eldest.remove();
      evict(out);
    }
  }

  private void evict(Entry e) {
    bytes -= e.file().length();
    e.file().discard();
  }
}
