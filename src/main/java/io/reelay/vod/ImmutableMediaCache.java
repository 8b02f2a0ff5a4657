package io.reelay.vod;

import io.vertx.core.buffer.Buffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The process's copy of recently served immutable VOD files (segments, init segments, images), so a
 * popular segment costs one object-store round trip per minute rather than one per viewer. Bounded
 * by bytes (least recently used out first) and by object size; entries expire after a minute so a
 * deleted video is not served for long, and delivery consults it only for videos whose record
 * exists.
 */
final class ImmutableMediaCache {
  /** What a cached object answers with. */
  record Entry(Buffer bytes, String etag, String lastModified, long expiresAtNanos) {}

  private final long maxBytes;
  private final int maxObjectBytes;
  private final long ttlNanos;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);
  private long bytes;

  ImmutableMediaCache(long maxBytes, int maxObjectBytes, long ttlNanos) {
    this.maxBytes = maxBytes;
    this.maxObjectBytes = maxObjectBytes;
    this.ttlNanos = ttlNanos;
  }

  boolean fits(long length) {
    return length >= 0 && length <= maxObjectBytes;
  }

  synchronized Entry get(String key) {
    Entry e = entries.get(key);
    if (e != null && e.expiresAtNanos - System.nanoTime() < 0) {
      entries.remove(key);
      bytes -= e.bytes.length();
      return null;
    }
    return e;
  }

  synchronized void put(String key, Buffer body, String etag, String lastModified) {
    if (!fits(body.length())) {
      return;
    }
    Entry old = entries.put(key, new Entry(body, etag, lastModified, System.nanoTime() + ttlNanos));
    bytes += body.length() - (old == null ? 0 : old.bytes.length());
    Iterator<Map.Entry<String, Entry>> eldest = entries.entrySet().iterator();
    while (bytes > maxBytes && eldest.hasNext()) {
      bytes -= eldest.next().getValue().bytes.length();
      eldest.remove();
    }
  }
}
