package io.reelay.auth;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Accounts in Redis (append-only persistence makes it their durable record): the user as JSON under
 * {@code reelay:user:{id}}, a unique lower-cased username index, and sessions stored under the hash
 * of their token (see {@link Authenticator}) with a sliding lifetime.
 */
public final class UserStore {
  /** A stored account. */
  public record User(
      String id, String username, Principal.Role role, String passwordHash, long createdAt) {
    JsonObject toJson() {
      return new JsonObject()
          .put("id", id)
          .put("username", username)
          .put("role", role.name())
          .put("passwordHash", passwordHash)
          .put("createdAt", createdAt);
    }

    static User fromJson(JsonObject j) {
      return new User(
          j.getString("id"),
          j.getString("username"),
          Principal.Role.valueOf(j.getString("role")),
          j.getString("passwordHash"),
          j.getLong("createdAt"));
    }

    public JsonObject publicJson() {
      return new JsonObject()
          .put("id", id)
          .put("username", username)
          .put("role", role.name().toLowerCase(Locale.ROOT))
          .put("createdAt", createdAt);
    }

    public Principal principal() {
      return new Principal(id, username, role);
    }
  }

  public static final long SESSION_TTL_SECONDS = 30L * 24 * 3600;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final RedisAPI redis;

  public UserStore(RedisAPI redis) {
    this.redis = redis;
  }

  static String userKey(String id) {
    return "reelay:user:" + id;
  }

  static String usernameKey(String username) {
    return "reelay:username:" + username.toLowerCase(Locale.ROOT);
  }

  public static String randomId(int bytes) {
    byte[] raw = new byte[bytes];
    RANDOM.nextBytes(raw);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  /** Creates the user unless the username is taken (then an empty result). */
  public Future<Optional<User>> create(String username, Principal.Role role, String passwordHash) {
    User user = new User(randomId(12), username, role, passwordHash, System.currentTimeMillis());
    // The username index is claimed first, atomically, so two sign-ups cannot share a name.
    return redis
        .set(List.of(usernameKey(username), user.id(), "NX"))
        .compose(
            claimed -> {
              if (claimed == null) {
                return Future.succeededFuture(Optional.<User>empty());
              }
              return redis
                  .set(List.of(userKey(user.id()), user.toJson().encode()))
                  .map(ok -> Optional.of(user));
            });
  }

  public Future<Optional<User>> byUsername(String username) {
    return redis
        .get(usernameKey(username))
        .compose(id -> id == null ? Future.succeededFuture(Optional.empty()) : byId(id.toString()));
  }

  public Future<Optional<User>> byId(String id) {
    return redis
        .get(userKey(id))
        .map(
            v ->
                v == null
                    ? Optional.<User>empty()
                    : Optional.of(User.fromJson(new JsonObject(v.toString()))));
  }

  public Future<Void> setRole(User user, Principal.Role role) {
    User updated =
        new User(user.id(), user.username(), role, user.passwordHash(), user.createdAt());
    return redis.set(List.of(userKey(user.id()), updated.toJson().encode())).mapEmpty();
  }

  /** A new session for {@code user}; returns the bearer token (only its hash is stored). */
  public Future<String> openSession(User user) {
    String token = randomId(32);
    JsonObject session =
        new JsonObject()
            .put("userId", user.id())
            .put("username", user.username())
            .put("role", user.role().name());
    return redis
        .set(
            List.of(
                Authenticator.sessionKey(token),
                session.encode(),
                "EX",
                Long.toString(SESSION_TTL_SECONDS)))
        .map(ok -> token);
  }

  public Future<Void> closeSession(String token) {
    return redis.del(List.of(Authenticator.sessionKey(token))).mapEmpty();
  }
}
