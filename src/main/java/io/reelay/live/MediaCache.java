package io.reelay.live;

import io.vertx.core.buffer.Buffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An in-process LRU of immutable live media (parts, segments, init segments) in front of Redis,
 * bounded by total bytes, so thousands of viewers of one stream cost one Redis read per object.
 * Confined to one event loop.
 */
final class MediaCache {
  private final long maxBytes;
  private long bytes;
  private final LinkedHashMap<String, Buffer> entries = new LinkedHashMap<>(256, 0.75f, true);

  MediaCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  Buffer get(String key) {
    return entries.get(key);
  }

  void put(String key, Buffer value) {
    if (value.length() > maxBytes / 4) {
      return;
    }
    Buffer old = entries.put(key, value);
    if (old != null) {
      bytes -= old.length();
    }
    bytes += value.length();
    var it = entries.entrySet().iterator();
    while (bytes > maxBytes && it.hasNext()) {
      Map.Entry<String, Buffer> eldest = it.next();
      bytes -= eldest.getValue().length();
      it.remove();
    }
  }
}
