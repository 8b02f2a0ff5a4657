package io.reelay.vod;

import io.reelay.http.MediaFile;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The process's copy of recently served immutable VOD files (segments, init segments, images), so a
 * popular segment costs one object-store round trip per minute rather than one per viewer, and goes
 * out by {@code sendfile(2)} ({@link MediaFile}). Bounded by bytes (least recently used out first)
 * and by object size; entries expire after a minute so a deleted video is not served for long, and
 * delivery consults it only for videos whose record exists. Shared by the process's delivery
 * instances.
 */
final class ImmutableMediaCache {
  /** What a cached object answers with. */
  record Entry(MediaFile file, String etag, String lastModified, long expiresAtNanos) {}

  private static final Map<Path, ImmutableMediaCache> SHARED = new HashMap<>();

  private final Path dir;
  private final long maxBytes;
  private final int maxObjectBytes;
  private final long ttlNanos;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);
  private long bytes;

  ImmutableMediaCache(Path dir, long maxBytes, int maxObjectBytes, long ttlNanos) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.maxObjectBytes = maxObjectBytes;
    this.ttlNanos = ttlNanos;
  }

  /** The one cache of the delivery instances that keep their files in {@code dir}. */
  static ImmutableMediaCache shared(Path dir, long maxBytes, int maxObjectBytes, long ttlNanos) {
    synchronized (SHARED) {
      return SHARED.computeIfAbsent(
          dir, d -> new ImmutableMediaCache(d, maxBytes, maxObjectBytes, ttlNanos));
    }
  }

  boolean fits(long length) {
    return length >= 0 && length <= maxObjectBytes;
  }

  synchronized Entry get(String key) {
    Entry e = entries.get(key);
    if (e != null && e.expiresAtNanos - System.nanoTime() < 0) {
      entries.remove(key);
      evict(e);
      return null;
    }
    return e;
  }

  /** Keeps {@code body} in a file. Blocking (it writes the file): call it off the event loop. */
  void store(String key, Buffer body, String etag, String lastModified) throws IOException {
    // Viewers who missed together each fetched it; one file is enough.
    if (!fits(body.length()) || get(key) != null) {
      return;
    }
    MediaFile file = MediaFile.write(dir, body);
    put(key, new Entry(file, etag, lastModified, System.nanoTime() + ttlNanos));
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
