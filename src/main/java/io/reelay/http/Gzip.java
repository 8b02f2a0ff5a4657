package io.reelay.http;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/**
 * Compression of text responses (playlists, MPDs, WebVTT), chosen per response. The server has no
 * generic compression: Vert.x's compressor in the connection pipeline rules out {@code sendfile(2)}
 * for every response of that connection, and media segments, which are most of the bytes and do not
 * compress, go out by {@code sendfile(2)} from the delivery caches.
 */
public final class Gzip {
  /** Below this, gzip's header and trailer eat what it saves. */
  static final int MIN_BYTES = 256;

  private Gzip() {}

  /** True when the request's {@code Accept-Encoding} admits gzip (q=0 refuses it). */
  public static boolean accepts(String acceptEncoding) {
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

  public static byte[] compress(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 64);
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen in memory
    }
    return out.toByteArray();
  }

  /** Ends the response with {@code body}, gzipped when the client accepts it and it pays. */
  public static Future<Void> end(RoutingContext ctx, Buffer body) {
    HttpServerResponse response = ctx.response().putHeader(HttpHeaders.VARY, "Accept-Encoding");
    if (body.length() >= MIN_BYTES
        && accepts(ctx.request().getHeader(HttpHeaders.ACCEPT_ENCODING))) {
      return response
          .putHeader(HttpHeaders.CONTENT_ENCODING, "gzip")
          .end(Buffer.buffer(compress(body.getBytes())));
    }
    return response.end(body);
  }

  public static Future<Void> end(RoutingContext ctx, String body) {
    return end(ctx, Buffer.buffer(body));
  }
}
