package io.reelay.auth;

import io.reelay.config.ReelayConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.redis.client.RedisAPI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Resolves the caller of a request from {@code Authorization: Bearer <token>} (or the {@code
 * reelay_session} cookie of the web app): the admin token, or a session stored in Redis under
 * {@code reelay:session:<sha256(token)>} as JSON {@code {"userId","username","role"}}. Only token
 * hashes are stored, so a Redis dump reveals no usable token.
 */
public final class Authenticator {
  public static final String SESSION_COOKIE = "reelay_session";
  static final String SESSION_PREFIX = "reelay:session:";
  private static final String PRINCIPAL_KEY = "reelay.principal";

  private final byte[] adminToken;
  private final RedisAPI redis;

  public Authenticator(ReelayConfig config, RedisAPI redis) {
    this.adminToken = config.adminToken().orElseThrow().getBytes(StandardCharsets.UTF_8);
    this.redis = redis;
  }

  public static String sessionKey(String token) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return SESSION_PREFIX + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  public static Optional<String> token(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = header.substring(7).trim();
      return token.isEmpty() || token.length() > 512 ? Optional.empty() : Optional.of(token);
    }
    var cookie = ctx.request().getCookie(SESSION_COOKIE);
    if (cookie != null && !cookie.getValue().isEmpty() && cookie.getValue().length() <= 512) {
      return Optional.of(cookie.getValue());
    }
    return Optional.empty();
  }

  /** The caller, or empty when the request carries no valid credential. */
  public Future<Optional<Principal>> identify(RoutingContext ctx) {
    Principal cached = ctx.get(PRINCIPAL_KEY);
    if (cached != null) {
      return Future.succeededFuture(Optional.of(cached));
    }
    Optional<String> token = token(ctx);
    if (token.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    // Constant-time comparison: the admin token must not leak through response timing.
    if (MessageDigest.isEqual(adminToken, token.get().getBytes(StandardCharsets.UTF_8))) {
      ctx.put(PRINCIPAL_KEY, Principal.admin());
      return Future.succeededFuture(Optional.of(Principal.admin()));
    }
    return redis
        .get(sessionKey(token.get()))
        .map(
            value -> {
              if (value == null) {
                return Optional.<Principal>empty();
              }
              JsonObject json = new JsonObject(value.toString());
              Principal p =
                  new Principal(
                      json.getString("userId"),
                      json.getString("username"),
                      Principal.Role.valueOf(json.getString("role", "VIEWER")));
              ctx.put(PRINCIPAL_KEY, p);
              return Optional.of(p);
            });
  }

  /** The caller with at least {@code role}; fails the request with 401/403 otherwise. */
  public Future<Principal> require(RoutingContext ctx, Principal.Role role) {
    return identify(ctx)
        .compose(
            p -> {
              if (p.isEmpty()) {
                return Future.failedFuture(new HttpException(401, "a bearer token is required"));
              }
              if (!p.get().role().atLeast(role)) {
                return Future.failedFuture(
                    new HttpException(403, "needs the " + role.name().toLowerCase() + " role"));
              }
              return Future.succeededFuture(p.get());
            });
  }
}
