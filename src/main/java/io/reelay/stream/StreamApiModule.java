package io.reelay.stream;

import io.reelay.auth.Authenticator;
import io.reelay.auth.Principal;
import io.reelay.config.ReelayConfig;
import io.reelay.http.HttpModule;
import io.reelay.platform.RedisSettings;
import io.reelay.restream.RestreamTarget;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The stream-key API: creators create streams (the key is shown once), list and inspect them,
 * rotate the key and delete them. Anyone may read one stream's public state, so a player page can
 * tell whether it is live; only the owner or the admin sees the list or changes a stream.
 */
public final class StreamApiModule implements HttpModule {
  static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  static final int MAX_TITLE = 200;

  private Redis client;
  private StreamStore store;
  private Authenticator auth;
  private int rtmpPort;

  @Override
  public Future<Void> mount(Vertx vertx, ReelayConfig config, Router router) {
    client = RedisSettings.client(vertx, config);
    store = new StreamStore(client);
    auth = new Authenticator(config, RedisAPI.api(client));
    rtmpPort = config.rtmpPort();
    router.route("/api/streams*").handler(BodyHandler.create().setBodyLimit(16 * 1024));
    router.post("/api/streams").handler(this::create);
    router.get("/api/streams").handler(this::list);
    router.get("/api/streams/:id").handler(this::get);
    router.post("/api/streams/:id/key").handler(this::rotate);
    router.delete("/api/streams/:id").handler(this::delete);
    router.put("/api/streams/:id/restreams").handler(this::setRestreams);
    router.get("/api/streams/:id/restreams").handler(this::getRestreams);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    client.close();
    return Future.succeededFuture();
  }

  private void create(RoutingContext ctx) {
    String title = title(ctx);
    auth.require(ctx, Principal.Role.CREATOR)
        .compose(p -> store.create(p.userId(), title))
        .onSuccess(
            c ->
                json(
                    ctx,
                    201,
                    c.record()
                        .toJson()
                        .put("key", c.key())
                        .put("rtmpUrl", rtmpUrl(ctx))
                        .put("publishUrl", rtmpUrl(ctx) + "/" + c.key())))
        .onFailure(ctx::fail);
  }

  private static String title(RoutingContext ctx) {
    String raw = ctx.body().asString();
    if (raw == null || raw.isBlank()) {
      return "";
    }
    Object title;
    try {
      title = new JsonObject(raw).getValue("title");
    } catch (DecodeException | ClassCastException e) {
      throw new HttpException(400, "body must be a JSON object");
    }
    if (title == null) {
      return "";
    }
    if (!(title instanceof String s) || s.length() > MAX_TITLE) {
      throw new HttpException(400, "title must be a string of at most " + MAX_TITLE + " chars");
    }
    return s.strip();
  }

  /** The server URL for OBS ("Server"); the key goes in its "Stream Key" field. */
  private String rtmpUrl(RoutingContext ctx) {
    String host = ctx.request().authority() == null ? null : ctx.request().authority().host();
    if (host == null || host.isEmpty()) {
      host = "localhost";
    }
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return "rtmp://" + host + ":" + rtmpPort + "/live";
  }

  private void list(RoutingContext ctx) {
    if ("live".equals(ctx.request().getParam("state"))) {
      // Who is live right now is public: viewers browse it without an account.
      store
          .list(null)
          .onSuccess(
              all -> {
                JsonArray out = new JsonArray();
                all.stream()
                    .filter(r -> r.state() == StreamRecord.State.LIVE)
                    .forEach(r -> out.add(r.toJson()));
                json(ctx, 200, new JsonObject().put("streams", out));
              })
          .onFailure(ctx::fail);
      return;
    }
    auth.require(ctx, Principal.Role.CREATOR)
        .compose(p -> store.list(p.isAdmin() ? null : p.userId()))
        .onSuccess(
            all -> {
              JsonArray out = new JsonArray();
              all.forEach(r -> out.add(r.toJson()));
              json(ctx, 200, new JsonObject().put("streams", out));
            })
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    String id = id(ctx);
    store
        .get(id)
        .compose(
            r -> {
              if (r == null) {
                return Future.failedFuture(new HttpException(404, "no such stream"));
              }
              Future<JsonObject> body =
                  store
                      .vodId(id)
                      .map(vod -> vod == null ? r.toJson() : r.toJson().put("vodId", vod));
              if (r.state() != StreamRecord.State.LIVE) {
                return body;
              }
              return body.compose(
                      json ->
                          store.ingestStats(id).map(s -> s == null ? json : json.put("ingest", s)))
                  .compose(json -> store.droppedRungs(id).map(d -> json.put("droppedRungs", d)));
            })
        .onSuccess(body -> json(ctx, 200, body))
        .onFailure(ctx::fail);
  }

  /** The stream if the caller owns it (or is admin); 404 otherwise, so ids are not probed. */
  private Future<StreamRecord> owned(RoutingContext ctx) {
    String id = id(ctx);
    return auth.require(ctx, Principal.Role.CREATOR)
        .compose(
            p ->
                store
                    .get(id)
                    .compose(
                        r ->
                            r != null && (p.isAdmin() || p.userId().equals(r.ownerId()))
                                ? Future.succeededFuture(r)
                                : Future.failedFuture(new HttpException(404, "no such stream"))));
  }

  private void rotate(RoutingContext ctx) {
    owned(ctx)
        .compose(r -> store.rotate(r).map(key -> r.toJson().put("key", key)))
        .onSuccess(body -> json(ctx, 200, body.put("rtmpUrl", rtmpUrl(ctx))))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    owned(ctx)
        .compose(store::delete)
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  /** At most this many downstream pushes per stream: each costs the ingest one upload. */
  static final int MAX_RESTREAMS = 5;

  /**
   * {@code PUT {"targets": ["rtmp://host[:port]/app/streamName", ...]}} (owner or admin): the
   * downstream servers the stream is pushed to from its next publish on; {@code []} removes them.
   */
  private void setRestreams(RoutingContext ctx) {
    List<String> urls = new ArrayList<>();
    try {
      JsonObject body = ctx.body().asJsonObject();
      JsonArray targets = body == null ? null : body.getJsonArray("targets");
      if (targets == null || targets.size() > MAX_RESTREAMS) {
        throw new IllegalArgumentException(
            "body must be {\"targets\": [rtmp URLs]} with at most " + MAX_RESTREAMS);
      }
      for (Object t : targets) {
        urls.add(RestreamTarget.parse(t instanceof String u ? u : null).url());
      }
    } catch (DecodeException | ClassCastException | IllegalArgumentException e) {
      ctx.fail(new HttpException(400, e.getMessage()));
      return;
    }
    owned(ctx)
        .compose(r -> store.setRestreamTargets(r.id(), urls))
        .onSuccess(v -> json(ctx, 200, new JsonObject().put("targets", new JsonArray(urls))))
        .onFailure(ctx::fail);
  }

  /** The configured targets, in full (they hold the downstream keys): owner or admin only. */
  private void getRestreams(RoutingContext ctx) {
    owned(ctx)
        .compose(r -> store.restreamTargets(r.id()))
        .onSuccess(urls -> json(ctx, 200, new JsonObject().put("targets", new JsonArray(urls))))
        .onFailure(ctx::fail);
  }

  private static String id(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (id == null || !ID.matcher(id).matches()) {
      throw new HttpException(404, "no such stream");
    }
    return id;
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }
}
