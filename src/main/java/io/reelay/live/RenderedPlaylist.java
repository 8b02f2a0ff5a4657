package io.reelay.live;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * A playlist as sent: its bytes and their gzip, both made once per window state. Thousands of
 * viewers reload the same playlist every part; compressing it per response (what the server's
 * generic compression does) cost more event-loop time than answering the request.
 */
record RenderedPlaylist(Buffer plain, Buffer gzipped) {
  static RenderedPlaylist of(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 64);
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen in memory
    }
    return new RenderedPlaylist(Buffer.buffer(bytes), Buffer.buffer(out.toByteArray()));
  }

  /** True when the request's {@code Accept-Encoding} admits gzip (q=0 refuses it). */
  static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String coding : acceptEncoding.split(",")) {
      String[] params = coding.trim().split(";");
      String name = params[0].trim();
      if (name.equalsIgnoreCase("gzip") || name.equals("*")) {
        for (int i = 1; i < params.length; i++) {
          String p = params[i].trim().replace(" ", "");
          if (p.startsWith("q=") && p.substring(2).matches("0(\\.0{0,3})?")) {
            return false;
          }
        }
        return true;
      }
    }
    return false;
  }
}
