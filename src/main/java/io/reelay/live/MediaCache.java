package io.reelay.live;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An in-process LRU of immutable live media (parts, segments, init segments) in front of Redis,
 * bounded by total bytes, so thousands of viewers of one stream cost one Redis read per object.
 * Each entry keeps its ETag, computed once: hashing a 600 KB segment on every request would cost
 * more than sending it. Confined to one event loop.
 */
final class MediaCache {
  /** An object's bytes and its strong ETag. */
  record Media(Buffer bytes, String etag) {
    static Media of(Buffer bytes) {
      return new Media(
          bytes, "\"" + Integer.toHexString(bytes.hashCode()) + "-" + bytes.length() + "\"");
    }
  }

  /**
   * The bytes in native memory, as the socket writes want them: a heap buffer is copied into a
   * direct one on every write, which for thousands of viewers of a 600 KB segment was a second full
   * copy per response beside the kernel's. Freed by the garbage collector once evicted.
   */
  static Buffer offHeap(byte[] bytes) {
    ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length);
    direct.put(bytes).flip();
    return BufferInternal.buffer(Unpooled.wrappedBuffer(direct));
  }

  private final long maxBytes;
  private long bytes;
  private final LinkedHashMap<String, Media> entries = new LinkedHashMap<>(256, 0.75f, true);

  MediaCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  Media get(String key) {
    return entries.get(key);
  }

  void put(String key, Media value) {
    int length = value.bytes().length();
    if (length > maxBytes / 4) {
      return;
    }
    Media old = entries.put(key, value);
    if (old != null) {
      bytes -= old.bytes().length();
    }
    bytes += length;
    var it = entries.entrySet().iterator();
    while (bytes > maxBytes && it.hasNext()) {
      Map.Entry<String, Media> eldest = it.next();
      bytes -= eldest.getValue().bytes().length();
      it.remove();
    }
  }
}
