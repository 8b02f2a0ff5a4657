package io.reelay.live;

import io.reelay.config.ReelayConfig;
import io.reelay.hls.HlsWriter;
import io.reelay.hls.MediaPlaylist;
import io.reelay.http.Gzip;
import io.reelay.http.HttpModule;
import io.reelay.platform.RedisSettings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves live playlists and media from the Redis window, so any delivery process serves any stream
 * without talking to the ingest process: the HLS master, Low-Latency HLS media playlists with
 * blocking reload ({@code _HLS_msn}/{@code _HLS_part}, answered as soon as the part exists, 400
 * when too far ahead, 503 after three target durations), delta updates ({@code _HLS_skip}), a
 * dynamic DASH MPD, and the parts, segments and init segments themselves.
 */
public final class LiveHttpModule implements HttpModule {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(LiveHttpModule.class);

  static final Pattern STREAM_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  static final Pattern RENDITION = Pattern.compile("[a-z0-9]{1,16}");
  static final Pattern MEDIA =
      Pattern.compile(
          "(?:init-(\\d{1,6})\\.mp4|seg-(\\d{1,12})\\.m4s|seg-(\\d{1,12})\\.(\\d{1,4})\\.m4s)");

  private static final String PLAYLIST_TYPE = "application/vnd.apple.mpegurl";
  private static final String IMMUTABLE = "public, max-age=31536000, immutable";

  /** How long a cached window state may serve without a change notification (a lost one). */
  static final long STATE_MAX_AGE_MS = 500;

  private Vertx vertx;
  private Redis redisClient;
  private RedisAPI redis;
  private LiveNotifications notifications;
  private volatile io.reelay.storage.ObjectStore archive;
  private io.reelay.storage.ObjectTransfer transfer;
  private final MediaCache cache = new MediaCache(128L * 1024 * 1024);
  private final LiveStateCache states =
      new LiveStateCache(
          this::readState,
          this::readAhead,
          this::updated,
          System::currentTimeMillis,
          STATE_MAX_AGE_MS);

  /** Media reads from Redis in flight, by key, shared by the requests that miss the cache. */
  private final Map<String, Future<MediaCache.Media>> reads = new HashMap<>();

  /** Requests waiting for a stream's window to grow, re-checked whenever its state is replaced. */
  private final Map<String, List<Runnable>> waiters = new HashMap<>();

  @Override
  public Future<Void> mount(Vertx vertx, ReelayConfig config, Router router) {
    this.vertx = vertx;
    this.redisClient = RedisSettings.client(vertx, config);
    this.redis = RedisAPI.api(redisClient);
    this.notifications = new LiveNotifications(vertx, config, this::changed);
    this.transfer = new io.reelay.storage.ObjectTransfer(vertx);
    router.get("/api/time").handler(this::time);
    router.get("/live/:stream/master.m3u8").handler(this::master);
    router.get("/live/:stream/manifest.mpd").handler(this::mpd);
    router.get("/live/:stream/:rendition/index.m3u8").handler(this::media);
    router.get("/live/:stream/:rendition/:file").handler(this::file);
    // The archive client is only needed for the DVR fallback: build it off the event loop
    // without holding up the mount (until it exists, a Redis miss is a 404).
    vertx
        .executeBlocking(() -> new io.reelay.storage.ObjectStore(vertx, config), false)
        .onSuccess(store -> archive = store)
        .onFailure(err -> LOG.warn("live DVR archive unavailable: {}", err.toString()));
    return notifications.start();
  }

  @Override
  public Future<Void> close() {
    notifications.close();
    redisClient.close();
    transfer.close();
    return Future.succeededFuture();
  }

  private void time(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Type", "text/plain")
        .putHeader("Cache-Control", "no-store")
        .end(Instant.now().toString());
  }

  private static String streamId(RoutingContext ctx) {
    String id = ctx.pathParam("stream");
    if (id == null || !STREAM_ID.matcher(id).matches()) {
      throw new HttpException(404, "no such live stream");
    }
    return id;
  }

  /** The stream's window, shared by all requests until it changes (see {@link LiveStateCache}). */
  private Future<LiveState> state(String streamId) {
    return states.get(streamId);
  }

  private Future<LiveState> readState(String streamId) {
    return redis
        .get(LiveKeys.state(streamId))
        .map(r -> r == null ? null : LiveState.fromJson(new JsonObject(r.toBuffer())));
  }

  private Future<LiveState> existing(String streamId) {
    return state(streamId)
        .compose(
            s ->
                s == null
                    ? Future.failedFuture(new HttpException(404, "stream is not live"))
                    : Future.succeededFuture(s));
  }

  private void master(RoutingContext ctx) {
    String streamId = streamId(ctx);
    existing(streamId)
        .map(
            s -> {
              if (s.renditions().isEmpty()) {
                throw new HttpException(404, "stream has no media yet");
              }
              return s;
            })
        .compose(
            s ->
                // Rendered once per window state: it reads the rungs from Redis, and every new
                // viewer starts here.
                states
                    .derived(
                        streamId,
                        s,
                        "master",
                        st ->
                            rungs(st)
                                .map(
                                    v ->
                                        RenderedPlaylist.of(
                                            HlsWriter.DEFAULT.write(LivePlaylists.master(st, v)))))
                    .map(text -> Map.entry(s, text)))
        .onSuccess(e -> playlist(ctx, e.getValue(), false, e.getKey()))
        .onFailure(ctx::fail);
  }

  private void mpd(RoutingContext ctx) {
    existing(streamId(ctx))
        .compose(
            s -> rungs(s).map(v -> LivePlaylists.dash(s, v, Instant.now(), "/api/time").toXml()))
        .onSuccess(
            xml -> {
              ctx.response()
                  .putHeader("Content-Type", "application/dash+xml")
                  .putHeader("Cache-Control", "public, max-age=1");
              Gzip.end(ctx, xml);
            })
        .onFailure(ctx::fail);
  }

  private void media(RoutingContext ctx) {
    String streamId = streamId(ctx);
    String rendition = ctx.pathParam("rendition");
    if (!RENDITION.matcher(rendition).matches()) {
      throw new HttpException(404, "no such rendition");
    }
    Long msn = longParam(ctx, "_HLS_msn");
    Long part = longParam(ctx, "_HLS_part");
    String skipParam = ctx.request().getParam("_HLS_skip");
    boolean skip = "YES".equals(skipParam) || "v2".equals(skipParam);
    if (part != null && msn == null) {
      throw new HttpException(400, "_HLS_part needs _HLS_msn");
    }
    if (LiveRungs.isRung(rendition)) {
      rungMedia(ctx, streamId, rendition);
      return;
    }
    existing(streamId)
        .compose(
            s -> {
              LiveState.Rendition r = s.rendition(rendition);
              if (r == null) {
                return Future.failedFuture(new HttpException(404, "no such rendition"));
              }
              if (msn == null) {
                return Future.succeededFuture(s);
              }
              // rfc8216bis: more than two segments ahead of the playlist is a client error.
              if (msn > r.lastMsn() + 2) {
                return Future.failedFuture(
                    new HttpException(400, "_HLS_msn is too far ahead of the live edge"));
              }
              long timeoutMs = Math.round(3 * Math.ceil(s.segmentTarget()) * 1000);
              return awaitPart(
                  streamId, rendition, msn, part == null ? null : part.intValue(), timeoutMs);
            })
        .compose(
            s ->
                states
                    .derived(
                        streamId,
                        s,
                        "media:" + rendition + (skip ? ":skip" : ""),
                        st ->
                            Future.succeededFuture(
                                RenderedPlaylist.of(
                                    HlsWriter.DEFAULT.write(
                                        LivePlaylists.media(st, rendition, skip)))))
                    .map(text -> Map.entry(s, text)))
        .onSuccess(e -> playlist(ctx, e.getValue(), msn != null, e.getKey()))
        .onFailure(ctx::fail);
  }

  /** The transcoded rungs listed from the first segment of the source's window on. */
  private Future<LiveRungs.View> rungs(LiveState s) {
    LiveState.Rendition source = s.rendition(LiveState.VIDEO);
    if (source == null) {
      return Future.succeededFuture(LiveRungs.View.EMPTY);
    }
    long from = source.segments().isEmpty() ? source.nextMsn() : source.segments().get(0).msn();
    return LiveRungs.load(redis, s.streamId(), from);
  }

  /** A rung's playlist: segments only, reloaded by plain polling (no blocking reload). */
  private void rungMedia(RoutingContext ctx, String streamId, String rung) {
    existing(streamId)
        .compose(
            s ->
                rungs(s)
                    .map(
                        v -> {
                          List<LiveRungs.RungSegment> done = v.rungs().get(rung);
                          MediaPlaylist p =
                              done == null ? null : LivePlaylists.rungMedia(s, rung, done);
                          if (p == null) {
                            throw new HttpException(404, "no such rendition");
                          }
                          return Map.entry(s, RenderedPlaylist.of(HlsWriter.DEFAULT.write(p)));
                        }))
        .onSuccess(e -> playlist(ctx, e.getValue(), false, e.getKey()))
        .onFailure(ctx::fail);
  }

  /** Completes with the state once it holds the part, or fails with 503 after the timeout. */
  private Future<LiveState> awaitPart(
      String streamId, String rendition, long msn, Integer part, long timeoutMs) {
    Promise<LiveState> promise = Promise.promise();
    long deadline = System.currentTimeMillis() + timeoutMs;
    Runnable check =
        new Runnable() {
          @Override
          public void run() {
            if (promise.future().isComplete()) {
              return;
            }
            state(streamId)
                .onSuccess(
                    s -> {
                      LiveState.Rendition r = s == null ? null : s.rendition(rendition);
                      if (s == null || r == null) {
                        promise.tryFail(new HttpException(404, "stream is not live"));
                      } else if (s.ended() || r.has(msn, part)) {
                        promise.tryComplete(s);
                      } else if (System.currentTimeMillis() >= deadline) {
                        promise.tryFail(new HttpException(503, "part not available in time"));
                      } else {
                        waiters.computeIfAbsent(streamId, k -> new ArrayList<>()).add(this);
                      }
                    })
                .onFailure(promise::tryFail);
          }
        };
    long timer =
        vertx.setTimer(
            timeoutMs, t -> promise.tryFail(new HttpException(503, "part not available in time")));
    promise.future().onComplete(ar -> vertx.cancelTimer(timer));
    check.run();
    return promise.future();
  }

  /** A change notification: the cache reads the new state (and its new media) ahead. */
  private void changed(String streamId) {
    states.changed(streamId);
  }

  /** The state requests see was replaced: waiting blocking requests look again. */
  private void updated(String streamId) {
    List<Runnable> waiting = waiters.remove(streamId);
    if (waiting != null) {
      waiting.forEach(Runnable::run);
    }
  }

  private void file(RoutingContext ctx) {
    String streamId = streamId(ctx);
    String rendition = ctx.pathParam("rendition");
    Matcher m = MEDIA.matcher(ctx.pathParam("file"));
    if (!RENDITION.matcher(rendition).matches() || !m.matches()) {
      throw new HttpException(404, "no such live media");
    }
    String key;
    String type;
    Long waitMsn = null;
    Integer waitPart = null;
    if (m.group(1) != null) {
      key = LiveKeys.init(streamId, rendition, Integer.parseInt(m.group(1)));
      type = "video/mp4";
    } else if (m.group(2) != null) {
      waitMsn = Long.parseLong(m.group(2));
      key = LiveKeys.segment(streamId, rendition, waitMsn);
      type = "video/iso.segment";
    } else {
      waitMsn = Long.parseLong(m.group(3));
      waitPart = Integer.parseInt(m.group(4));
      key = LiveKeys.part(streamId, rendition, waitMsn, waitPart);
      type = "video/iso.segment";
    }
    MediaCache.Media cached = cache.get(key);
    if (cached != null) {
      send(ctx, cached, type);
      return;
    }
    Long msn = waitMsn;
    Integer part = waitPart;
    fetch(key)
        .compose(
            media -> {
              if (media != null || msn == null) {
                return Future.succeededFuture(media);
              }
              // A player following the preload hint asks for the next part before it exists:
              // hold the request until it does, as LL-HLS expects.
              return state(streamId)
                  .compose(
                      s -> {
                        LiveState.Rendition r = s == null ? null : s.rendition(rendition);
                        if (r == null
                            || s.ended()
                            || msn > r.nextMsn()
                            || msn < r.nextMsn() && part == null) {
                          return Future.succeededFuture(null);
                        }
                        long timeoutMs = Math.round(3 * Math.ceil(s.segmentTarget()) * 1000);
                        return awaitPart(streamId, rendition, msn, part, timeoutMs)
                            .compose(ready -> fetch(key));
                      });
            })
        .onSuccess(
            media -> {
              if (media != null) {
                send(ctx, media, type);
              } else if (part != null) {
                ctx.fail(new HttpException(404, "not in the live window"));
              } else {
                // Older than the Redis window: the DVR part of the playlist, from the archive.
                archived(ctx, archiveKey(streamId, rendition, m), type);
              }
            })
        .onFailure(ctx::fail);
  }

  private static String archiveKey(String streamId, String rendition, Matcher m) {
    return m.group(1) != null
        ? LiveKeys.archivedInit(streamId, rendition, Integer.parseInt(m.group(1)))
        : LiveKeys.archivedSegment(streamId, rendition, Long.parseLong(m.group(2)));
  }

  /** Streams an archived segment from S3 (URL signed on a worker thread, body piped). */
  private void archived(RoutingContext ctx, String objectKey, String type) {
    if (archive == null) {
      ctx.fail(new HttpException(404, "not in the live window"));
      return;
    }
    HttpServerResponse response = ctx.response();
    archive
        .presign(io.minio.http.Method.GET, objectKey, Map.of(), java.time.Duration.ofMinutes(1))
        .compose(
            url -> {
              response.putHeader("Content-Type", type).putHeader("Cache-Control", IMMUTABLE);
              return transfer.pipeTo(url, ctx.request().getHeader("Range"), response);
            })
        .onFailure(
            err -> {
              if (!response.headWritten()) {
                response.headers().remove("Cache-Control");
                ctx.fail(new HttpException(404, "not in the live window or the archive"));
              } else {
                response.reset();
              }
            });
  }

  /**
   * The object from Redis into the cache, or null when Redis does not hold it. Viewers of a stream
   * ask for a new segment within the same moment: they share one read in flight instead of each
   * pulling the same 600 KB from Redis (which overflowed the client pool at a few hundred viewers).
   */
  private Future<MediaCache.Media> fetch(String key) {
    MediaCache.Media cached = cache.get(key);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    Future<MediaCache.Media> inFlight = reads.get(key);
    if (inFlight != null) {
      return inFlight;
    }
    Future<MediaCache.Media> read =
        redis
            .get(key)
            .map(
                r -> {
                  if (r == null) {
                    return null;
                  }
                  // Copied out of the client's network buffer: the bytes outlive this response.
                  MediaCache.Media media = MediaCache.Media.of(MediaCache.offHeap(r.toBytes()));
                  cache.put(key, media);
                  return media;
                });
    reads.put(key, read);
    read.onComplete(ar -> reads.remove(key, read));
    return read;
  }

  /**
   * Starts reading what {@code next} adds to the window into the cache as {@code next} is served
   * (see {@link LiveStateCache}). A failed read only means those viewers read it themselves.
   */
  private Future<?> readAhead(LiveState previous, LiveState next) {
    List<String> keys = NewMedia.keys(previous, next);
    if (keys.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Future<MediaCache.Media>> reads = new ArrayList<>(keys.size());
    for (String key : keys) {
      reads.add(fetch(key));
    }
    return Future.join(reads);
  }

  private static void send(RoutingContext ctx, MediaCache.Media media, String type) {
    HttpServerResponse response = ctx.response();
    response
        .putHeader("Content-Type", type)
        .putHeader("Cache-Control", IMMUTABLE)
        .putHeader("ETag", media.etag())
        .putHeader("Accept-Ranges", "bytes");
    if (media.etag().equals(ctx.request().getHeader("If-None-Match"))) {
      response.setStatusCode(304).end();
      return;
    }
    ByteRanges.send(ctx, media.bytes());
  }

  private static void playlist(
      RoutingContext ctx, RenderedPlaylist rendered, boolean blocking, LiveState s) {
    // A blocking response is specific to its query and must not be reused; a plain one may be
    // cached, but for no longer than one part.
    String cacheControl =
        blocking
            ? "no-store"
            : "public, max-age=0, s-maxage=" + Math.max(0, (int) Math.floor(s.partTarget()));
    HttpServerResponse response =
        ctx.response()
            .putHeader("Content-Type", PLAYLIST_TYPE)
            .putHeader("Cache-Control", cacheControl)
            .putHeader(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
    // Compressed once with the state, not per response.
    if (Gzip.accepts(ctx.request().getHeader(HttpHeaders.ACCEPT_ENCODING))) {
      response.putHeader(HttpHeaders.CONTENT_ENCODING, "gzip").end(rendered.gzipped());
    } else {
      response.putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY).end(rendered.plain());
    }
  }

  private static Long longParam(RoutingContext ctx, String name) {
    String raw = ctx.request().getParam(name);
    if (raw == null) {
      return null;
    }
    try {
      long value = Long.parseLong(raw);
      if (value < 0) {
        throw new HttpException(400, name + " must not be negative");
      }
      return value;
    } catch (NumberFormatException e) {
      throw new HttpException(400, name + " is not a number");
    }
  }
}
