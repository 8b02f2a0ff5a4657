package io.reelay.auth;

import io.reelay.config.ConfigException;
import io.reelay.config.ReelayConfig;
import io.reelay.config.Settings;
import io.reelay.http.HttpModule;
import io.reelay.platform.RedisSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Accounts over HTTP: sign-up, login (bearer token for the API plus an HttpOnly cookie for the web
 * app), logout that revokes the token, the caller's profile, and role changes by an admin. Failed
 * logins are rate-limited per username and per client address.
 */
public final class AccountsHttpModule implements HttpModule {
  static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_.-]{3,32}");
  public static final int MAX_FAILURES_PER_USER = 5;
  static final int MAX_FAILURES_PER_ADDRESS = 20;
  static final long FAILURE_WINDOW_SECONDS = 15 * 60;

  private Vertx vertx;
  private Redis client;
  private RedisAPI redis;
  private UserStore users;
  private Authenticator auth;
  private Principal.Role signupRole;

  @Override
  public Future<Void> mount(Vertx vertx, ReelayConfig config, Router router) {
    this.vertx = vertx;
    this.client = RedisSettings.client(vertx, config);
    this.redis = RedisAPI.api(client);
    this.users = new UserStore(redis);
    this.auth = new Authenticator(config, redis);
    this.signupRole = signupRole(Settings.fromSystem());
    BodyHandler small = BodyHandler.create().setBodyLimit(16 * 1024);
    router.post("/api/users").handler(small).handler(this::signUp);
    router.post("/api/login").handler(small).handler(this::login);
    router.post("/api/logout").handler(this::logout);
    router.get("/api/me").handler(this::me);
    router.put("/api/users/:id/role").handler(small).handler(this::setRole);
    return Future.succeededFuture();
  }

  /** {@code REELAY_SIGNUP_ROLE}: what self-registered accounts may do (default creator). */
  static Principal.Role signupRole(Settings settings) {
    String raw = settings.get("REELAY_SIGNUP_ROLE", "creator");
    return switch (raw.toLowerCase(Locale.ROOT)) {
      case "viewer" -> Principal.Role.VIEWER;
      case "creator" -> Principal.Role.CREATOR;
      default ->
          throw new ConfigException(
              "REELAY_SIGNUP_ROLE", "must be viewer or creator, got '" + raw + "'");
    };
  }

  @Override
  public Future<Void> close() {
    client.close();
    return Future.succeededFuture();
  }

  /** The request body as a JSON object, or a 400. */
  public static JsonObject jsonBody(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null) {
        throw new HttpException(400, "a JSON object body is required");
      }
      return body;
    } catch (DecodeException | ClassCastException e) {
      throw new HttpException(400, "the body is not a JSON object");
    }
  }

  private static String credential(JsonObject body, String field, int min, int max) {
    Object value = body.getValue(field);
    if (!(value instanceof String s) || s.length() < min || s.length() > max) {
      throw new HttpException(400, field + " must be " + min + " to " + max + " characters");
    }
    return s;
  }

  private void signUp(RoutingContext ctx) {
    JsonObject body = jsonBody(ctx);
    String username = credential(body, "username", 3, 32);
    String password = credential(body, "password", 8, 256);
    if (!USERNAME.matcher(username).matches()) {
      throw new HttpException(400, "username may hold letters, digits, '_', '.' and '-'");
    }
    vertx
        .executeBlocking(() -> Passwords.hash(password), false)
        .compose(hash -> users.create(username, signupRole, hash))
        .onSuccess(
            created -> {
              if (created.isEmpty()) {
                ctx.fail(new HttpException(409, "username is taken"));
                return;
              }
              ctx.response()
                  .setStatusCode(201)
                  .putHeader("Content-Type", "application/json")
                  .putHeader("Location", "/api/users/" + created.get().id())
                  .end(created.get().publicJson().encode());
            })
        .onFailure(ctx::fail);
  }

  private void login(RoutingContext ctx) {
    JsonObject body = jsonBody(ctx);
    String username = credential(body, "username", 1, 64);
    String password = credential(body, "password", 1, 256);
    String userKey = "reelay:login-fail:" + username.toLowerCase(Locale.ROOT);
    String addressKey = "reelay:login-fail-addr:" + ctx.request().remoteAddress().hostAddress();
    redis
        .mget(List.of(userKey, addressKey))
        .compose(
            counts -> {
              if (count(counts.get(0)) >= MAX_FAILURES_PER_USER
                  || count(counts.get(1)) >= MAX_FAILURES_PER_ADDRESS) {
                ctx.response().putHeader("Retry-After", Long.toString(FAILURE_WINDOW_SECONDS));
                return Future.failedFuture(
                    new HttpException(429, "too many failed logins; try again later"));
              }
              return users.byUsername(username);
            })
        .compose(
            user ->
                vertx
                    .executeBlocking(
                        () ->
                            user.isPresent()
                                && Passwords.verify(password, user.get().passwordHash()),
                        false)
                    .compose(
                        ok -> {
                          if (!ok) {
                            return countFailure(userKey)
                                .compose(v -> countFailure(addressKey))
                                .compose(
                                    v ->
                                        Future.failedFuture(
                                            new HttpException(401, "wrong username or password")));
                          }
                          return users
                              .openSession(user.get())
                              .map(token -> Mapped.of(user.get(), token));
                        }))
        .onSuccess(
            m -> {
              ctx.response()
                  .addCookie(
                      Cookie.cookie(Authenticator.SESSION_COOKIE, m.token())
                          .setHttpOnly(true)
                          .setPath("/")
                          .setSameSite(CookieSameSite.LAX)
                          .setMaxAge(UserStore.SESSION_TTL_SECONDS))
                  .putHeader("Content-Type", "application/json")
                  .putHeader("Cache-Control", "no-store")
                  .end(
                      new JsonObject()
                          .put("token", m.token())
                          .put("user", m.user().publicJson())
                          .encode());
            })
        .onFailure(ctx::fail);
  }

  private record Mapped(UserStore.User user, String token) {
    static Mapped of(UserStore.User user, String token) {
      return new Mapped(user, token);
    }
  }

  private static long count(io.vertx.redis.client.Response r) {
    return r == null ? 0 : r.toLong();
  }

  private Future<Void> countFailure(String key) {
    return redis
        .incr(key)
        .compose(n -> redis.expire(List.of(key, Long.toString(FAILURE_WINDOW_SECONDS))))
        .mapEmpty();
  }

  private void logout(RoutingContext ctx) {
    var token = Authenticator.token(ctx);
    Future<Void> revoke =
        token.isPresent() ? users.closeSession(token.get()) : Future.succeededFuture();
    revoke
        .onSuccess(
            v ->
                ctx.response()
                    .addCookie(
                        Cookie.cookie(Authenticator.SESSION_COOKIE, "")
                            .setPath("/")
                            .setHttpOnly(true)
                            .setMaxAge(0))
                    .setStatusCode(204)
                    .end())
        .onFailure(ctx::fail);
  }

  private void me(RoutingContext ctx) {
    auth.require(ctx, Principal.Role.VIEWER)
        .onSuccess(
            p ->
                ctx.response()
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    .end(
                        new JsonObject()
                            .put("id", p.userId())
                            .put("username", p.username())
                            .put("role", p.role().name().toLowerCase(Locale.ROOT))
                            .encode()))
        .onFailure(ctx::fail);
  }

  private void setRole(RoutingContext ctx) {
    JsonObject body = jsonBody(ctx);
    Principal.Role role;
    try {
      role = Principal.Role.valueOf(body.getString("role", "").toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new HttpException(400, "role must be viewer, creator or admin");
    }
    String id = ctx.pathParam("id");
    auth.require(ctx, Principal.Role.ADMIN)
        .compose(admin -> users.byId(id))
        .compose(
            user ->
                user.isEmpty()
                    ? Future.failedFuture(new HttpException(404, "no such user"))
                    : users.setRole(user.get(), role))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }
}
