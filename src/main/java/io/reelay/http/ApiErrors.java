package io.reelay.http;

import io.reelay.platform.TimeLimitedRedis;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders every failure as {@code {"error": "...", "message": "..."}} with the right status. The
 * one place that turns exceptions into HTTP responses.
 */
public final class ApiErrors {
  private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

  private ApiErrors() {}

  public static void handle(RoutingContext ctx) {
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    Throwable failure = ctx.failure();
    String message = null;
    if (failure instanceof HttpException http) {
      status = http.getStatusCode();
      message = http.getPayload();
    } else if (failure instanceof TimeLimitedRedis.RedisTimeoutException) {
      // Not a bug in the request: the store is slow or a reply was lost. Retrying may work.
      status = 503;
      message = "storage did not answer in time; retry";
      LOG.warn("{} {}: {}", ctx.request().method(), ctx.request().path(), failure.getMessage());
    } else if (failure != null) {
      LOG.warn(
          "{} {} failed: {}", ctx.request().method(), ctx.request().path(), failure.toString());
      message = status >= 500 ? "internal error" : failure.getMessage();
    }
    send(ctx.response(), status, errorCode(status), message);
  }

  public static void send(HttpServerResponse response, int status, String error, String message) {
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      response.reset();
      return;
    }
    JsonObject body = new JsonObject().put("error", error);
    body.put("message", message == null ? error.replace('_', ' ') : message);
    response
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }

  static String errorCode(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 409 -> "conflict";
      case 410 -> "gone";
      case 412 -> "precondition_failed";
      case 413 -> "payload_too_large";
      case 415 -> "unsupported_media_type";
      case 503 -> "unavailable";
      default -> status >= 500 ? "internal_error" : "error";
    };
  }
}
