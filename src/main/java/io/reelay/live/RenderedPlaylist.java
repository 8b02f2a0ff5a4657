package io.reelay.live;

import io.reelay.http.Gzip;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * A playlist as sent: its bytes and their gzip, both made once per window state. Thousands of
 * viewers reload the same playlist every part; compressing it per response cost more event-loop
 * time than answering the request.
 */
record RenderedPlaylist(Buffer plain, Buffer gzipped) {
  static RenderedPlaylist of(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return new RenderedPlaylist(Buffer.buffer(bytes), Buffer.buffer(Gzip.compress(bytes)));
  }
}
