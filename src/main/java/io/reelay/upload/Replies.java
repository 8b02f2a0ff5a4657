package io.reelay.upload;

import io.reelay.http.ApiErrors;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Error replies of the upload routes, and the small header formats they share. */
final class Replies {
  private static final Logger LOG = LoggerFactory.getLogger(Replies.class);
  // A refused body is read and dropped up to this much, so the reply reaches the client on a
  // healthy connection; beyond it the connection is closed instead.
  private static final long DRAIN_LIMIT = 16L << 20;

  private Replies() {}

  /** Replies with the JSON error for {@code err}; a refused request body is drained or cut. */
  static void fail(RoutingContext ctx, Throwable err) {
    int status;
    String code;
    String message;
    if (err instanceof UploadException u) {
      status = u.status();
      code = u.code();
      message = u.getMessage();
    } else if (err instanceof HttpException h) {
      status = h.getStatusCode();
      code =
          switch (status) {
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            default -> "error";
          };
      message = h.getPayload();
    } else {
      status = 500;
      code = "internal_error";
      message = "internal error";
      LOG.warn("{} {} failed: {}", ctx.request().method(), ctx.request().path(), err.toString());
    }
    drain(ctx.request());
    ApiErrors.send(ctx.response(), status, code, message);
  }

  static void drain(HttpServerRequest req) {
    if (req.isEnded()) {
      return;
    }
    long[] seen = {0};
    req.handler(
        b -> {
          seen[0] += b.length();
          if (seen[0] > DRAIN_LIMIT) {
            req.connection().close();
          }
        });
    req.endHandler(null);
    req.exceptionHandler(e -> {});
    req.resume();
  }

  /** Tells a client waiting on {@code Expect: 100-continue} (curl does, for big files) to send. */
  static void continueIfExpected(RoutingContext ctx) {
    String expect = ctx.request().getHeader("Expect");
    if (expect != null
        && expect.equalsIgnoreCase("100-continue")
        && !ctx.response().headWritten()) {
      ctx.response().writeContinue();
    }
  }

  /** RFC 9110 HTTP-date, as tus wants for {@code Upload-Expires}. */
  static String httpDate(Instant instant) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(instant.atOffset(ZoneOffset.UTC));
  }

  /** A declared length: a non-negative decimal integer that fits a long, else 400. */
  static long parseLength(String header, String value) {
    if (value == null || !value.matches("\\d{1,19}")) {
      throw UploadException.badRequest(header + " must be a non-negative integer");
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw UploadException.badRequest(header + " is out of range");
    }
  }
}
