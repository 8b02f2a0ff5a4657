package io.reelay.live;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

/** Single-range {@code Range: bytes=} requests over a buffer in memory (206 / 416). */
final class ByteRanges {
  private ByteRanges() {}

  static void send(RoutingContext ctx, Buffer bytes) {
    String range = ctx.request().getHeader("Range");
    int length = bytes.length();
    if (range == null || !range.startsWith("bytes=") || range.contains(",")) {
      ctx.response().end(bytes);
      return;
    }
    String spec = range.substring(6).trim();
    int dash = spec.indexOf('-');
    long start;
    long end;
    try {
      if (dash == 0) {
        long suffix = Long.parseLong(spec.substring(1));
        start = Math.max(0, length - suffix);
        end = length - 1;
      } else {
        start = Long.parseLong(spec.substring(0, dash));
        end =
            dash == spec.length() - 1
                ? length - 1
                : Math.min(length - 1, Long.parseLong(spec.substring(dash + 1)));
      }
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      throw new HttpException(400, "malformed Range header");
    }
    if (start >= length || start > end) {
      ctx.response().putHeader("Content-Range", "bytes */" + length);
      throw new HttpException(416, "range not satisfiable");
    }
    ctx.response()
        .setStatusCode(206)
        .putHeader("Content-Range", "bytes " + start + "-" + end + "/" + length)
        .end(bytes.slice((int) start, (int) end + 1));
  }
}
