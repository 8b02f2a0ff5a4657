package io.reelay.vod;

import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MinioClient;
import io.minio.http.Method;
import io.reelay.config.ReelayConfig;
import io.reelay.http.ApiErrors;
import io.reelay.http.Gzip;
import io.reelay.http.HttpModule;
import io.reelay.platform.RedisSettings;
import io.reelay.storage.ObjectStore;
import io.reelay.video.VideoStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves VOD presentations at {@code /vod/{id}/…} straight from S3: each request is proxied to a
 * short-lived presigned URL with the Vert.x HTTP client and piped to the viewer with back-pressure,
 * so no object is ever held in the heap. S3 answers {@code Range} (206/416) and {@code
 * If-None-Match} (304) itself; this module adds the content type, caching policy and errors.
 *
 * <p>Paths are checked before anything touches storage: only the names the packager writes are
 * served, so {@code ..}, encoded slashes or absurd lengths end as 400/404 right here. Then {@link
 * PlaybackAccess} decides: a private video's files need a signed token (403 without one); the
 * playlists served to a signed request pass the token on to every URL they name.
 */
public final class VodMediaModule implements HttpModule {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(VodMediaModule.class);
  private static final int MAX_PATH = 256;

  /** Path, and a query with room for a playback token. */
  private static final int MAX_URI = 1024;

  /** Playlists are read whole to set their cache policy; no real one comes near this. */
  private static final int MAX_PLAYLIST_BYTES = 4 << 20;

  private static final Pattern PATH =
      Pattern.compile(
          "/vod/([A-Za-z0-9_-]{1,64})/(master\\.m3u8|manifest\\.mpd|poster\\.jpg"
              + "|storyboard/(?:sprite(?:-\\d{1,3})?\\.jpg|storyboard\\.vtt)"
              + "|[a-z0-9]{1,16}/(?:index\\.m3u8|iframes\\.m3u8|init(?:-\\d{1,9})?\\.mp4"
              + "|seg-\\d{5,10}\\.m4s))");

  /** Media cached per process, shared by the delivery instances: files of up to 4 MiB. */
  private static final long CACHE_BYTES = 256L << 20;

  private static final int CACHE_OBJECT_BYTES = 4 << 20;

  /** How long a cached object is served before the store is asked whether it still has it. */
  private static final long CACHE_FRESH_NANOS = TimeUnit.SECONDS.toNanos(60);

  /** A revalidation that gets no answer in this time leaves the entry stale, to be tried again. */
  private static final long REVALIDATE_TIMEOUT_MS = 10_000;

  /** Whether media came from this process's cache (HIT) or the object store (MISS). */
  static final String X_CACHE = "X-Cache";

  static final String IMMUTABLE = "public, max-age=31536000, immutable";
  static final String EVENT_PLAYLIST = "public, max-age=2";
  static final String VOD_PLAYLIST = "public, max-age=60";

  private HttpClient s3;
  private MinioClient minio;
  private String bucket;
  private Redis redisClient;
  private PlaybackAccess access;
  private ImmutableMediaCache cache;

  @Override
  public Future<Void> mount(Vertx vertx, ReelayConfig config, Router router) {
    s3 = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(64));
    redisClient = Redis.createClient(vertx, RedisSettings.options(config));
    access = PlaybackAccess.forConfig(config, new VideoStore(RedisAPI.api(redisClient)));
    return vertx
        .executeBlocking(
            () -> {
              cache =
                  ImmutableMediaCache.shared(
                      config.dataDir().resolve("cache/vod"),
                      CACHE_BYTES,
                      CACHE_OBJECT_BYTES,
                      CACHE_FRESH_NANOS);
              return new ObjectStore(vertx, config);
            })
        .map(
            store -> {
              minio = store.client();
              bucket = store.bucket();
              router.get("/vod/*").handler(ctx -> serve(vertx, ctx));
              router.head("/vod/*").handler(ctx -> serve(vertx, ctx));
              return null;
            });
  }

  private void serve(Vertx vertx, RoutingContext ctx) {
    String uri = ctx.request().uri();
    int q = uri.indexOf('?');
    String path = q >= 0 ? uri.substring(0, q) : uri;
    if (uri.length() > MAX_URI
        || path.length() > MAX_PATH
        || path.contains("..")
        || path.contains("%")
        || path.contains("\\")) {
      ApiErrors.send(ctx.response(), 400, "bad_request", "invalid media path");
      return;
    }
    Matcher m = PATH.matcher(path);
    if (!m.matches()) {
      ApiErrors.send(ctx.response(), 404, "not_found", null);
      return;
    }
    String id = m.group(1);
    String name = m.group(2);
    String token = ctx.request().getParam(PlaybackAccess.TOKEN_PARAM);
    access
        .check(id, path, token)
        .onFailure(ctx::fail)
        .onSuccess(
            decision -> {
              switch (decision) {
                case TOKEN_REQUIRED ->
                    ApiErrors.send(
                        ctx.response(),
                        403,
                        "playback_token_required",
                        "this video is private: its media need a signed playback token");
                case TOKEN_INVALID ->
                    ApiErrors.send(
                        ctx.response(),
                        403,
                        "playback_token_invalid",
                        "the playback token is expired, altered or for another video");
                case SIGNED -> fetch(vertx, ctx, id, name, token, true);
                case OPEN -> fetch(vertx, ctx, id, name, null, true);
                case NO_RECORD -> fetch(vertx, ctx, id, name, null, false);
              }
            });
  }

  /**
   * Proxies the object; {@code token} (when signed) goes on into the playlist's URLs. A whole
   * immutable file of a video that exists comes from (and goes into) the in-process cache.
   */
  private void fetch(
      Vertx vertx, RoutingContext ctx, String id, String name, String token, boolean exists) {
    String key = VodKeys.key(id, name);
    boolean playlist = MediaTypes.isPlaylist(name);
    boolean cacheable =
        exists
            && !playlist
            && ctx.request().method() == HttpMethod.GET
            && ctx.request().getHeader("Range") == null;
    ImmutableMediaCache.Entry cached = cacheable ? cache.get(key) : null;
    if (cached != null) {
      if (cache.stale(cached) && cache.claimRevalidation(key)) {
        revalidate(vertx, key, cached);
      }
      serveCached(vertx, ctx, key, name, cached);
    } else {
      fromStore(vertx, ctx, key, name, token, cacheable);
    }
  }

  private void fromStore(
      Vertx vertx, RoutingContext ctx, String key, String name, String token, boolean cacheable) {
    boolean playlist = MediaTypes.isPlaylist(name);
    HttpMethod method = ctx.request().method();
    presign(vertx, method == HttpMethod.HEAD ? Method.HEAD : Method.GET, key)
        .compose(
            url -> {
              RequestOptions opts = new RequestOptions().setAbsoluteURI(url).setMethod(method);
              copy(ctx, opts, HttpHeaders.IF_NONE_MATCH);
              if (!playlist) {
                copy(ctx, opts, "Range");
                copy(ctx, opts, "If-Range");
              }
              return s3.request(opts).compose(req -> req.send());
            })
        .onSuccess(resp -> respond(vertx, ctx, resp, name, playlist, token, cacheable ? key : null))
        .onFailure(ctx::fail);
  }

  /**
   * Asks the store, with one HEAD, whether a stale cached object is still there as cached; the
   * viewers meanwhile get the cached copy (the object is immutable; a deleted video's record is
   * gone first, and without a record nothing is served from the cache).
   */
  private void revalidate(Vertx vertx, String key, ImmutableMediaCache.Entry cached) {
    presign(vertx, Method.HEAD, key)
        .compose(
            url ->
                s3.request(
                        new RequestOptions()
                            .setAbsoluteURI(url)
                            .setMethod(HttpMethod.HEAD)
                            .setIdleTimeout(REVALIDATE_TIMEOUT_MS))
                    .compose(req -> req.send()))
        .onSuccess(
            resp -> {
              resp.end();
              int status = resp.statusCode();
              String etag = resp.getHeader(HttpHeaders.ETAG);
              if (status == 200 && (cached.etag() == null || cached.etag().equals(etag))) {
                cache.renew(key, cached);
              } else if (status == 200 || status == 404 || status == 403) {
                LOG.info("cached {} dropped: the store answered {} ({})", key, status, etag);
                cache.invalidate(key, cached);
              } else {
                LOG.warn("cached {} not revalidated: the store answered {}", key, status);
                cache.revalidationFailed(key);
              }
            })
        .onFailure(
            err -> {
              LOG.warn("cached {} not revalidated: {}", key, err.toString());
              cache.revalidationFailed(key);
            });
  }

  /** A 60 s presigned URL for {@code key} (signing runs on a worker: the SDK may block). */
  private Future<String> presign(Vertx vertx, Method method, String key) {
    return vertx.executeBlocking(
        () ->
            minio.getPresignedObjectUrl(
                GetPresignedObjectUrlArgs.builder()
                    .method(method)
                    .bucket(bucket)
                    .object(key)
                    .expiry(60, TimeUnit.SECONDS)
                    .build()),
        false);
  }

  private static void copy(RoutingContext ctx, RequestOptions opts, CharSequence header) {
    String v = ctx.request().getHeader(header);
    if (v != null) {
      opts.putHeader(header, v);
    }
  }

  /** Answers from the cache: the file goes out by sendfile(2) (see {@link MediaFile}). */
  private void serveCached(
      Vertx vertx, RoutingContext ctx, String key, String name, ImmutableMediaCache.Entry cached) {
    HttpServerResponse out = ctx.response();
    String etag = ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH);
    boolean notModified = etag != null && etag.equals(cached.etag());
    out.setStatusCode(notModified ? 304 : 200);
    out.putHeader(HttpHeaders.CONTENT_TYPE, MediaTypes.of(name));
    if (cached.etag() != null) {
      out.putHeader(HttpHeaders.ETAG, cached.etag());
    }
    if (cached.lastModified() != null) {
      out.putHeader(HttpHeaders.LAST_MODIFIED, cached.lastModified());
    }
    out.putHeader(HttpHeaders.CACHE_CONTROL, IMMUTABLE);
    out.putHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
    out.putHeader(X_CACHE, "HIT");
    if (notModified) {
      out.end();
      return;
    }
    cached
        .file()
        .send(vertx, ctx.request().version(), out)
        .onFailure(
            err -> {
              if (!out.headWritten()) {
                // Evicted between lookup and send: the store still has it.
                out.setStatusCode(200);
                fromStore(vertx, ctx, key, name, null, true);
              }
            });
  }

  /** {@code cacheKey}: where to keep a whole 200 body of an immutable file, or null. */
  private void respond(
      Vertx vertx,
      RoutingContext ctx,
      HttpClientResponse resp,
      String name,
      boolean playlist,
      String token,
      String cacheKey) {
    HttpServerResponse out = ctx.response();
    int status = resp.statusCode();
    switch (status) {
      case 200, 206, 304 -> {}
      case 404, 403 -> {
        resp.end(); // drain the S3 error body
        ApiErrors.send(out, 404, "not_found", null);
        return;
      }
      case 416 -> {
        resp.end();
        String range = resp.getHeader(HttpHeaders.CONTENT_RANGE);
        if (range != null) {
          out.putHeader(HttpHeaders.CONTENT_RANGE, range);
        }
        ApiErrors.send(out, 416, "range_not_satisfiable", "requested range not satisfiable");
        return;
      }
      default -> {
        resp.end();
        ApiErrors.send(out, 502, "bad_gateway", "object store answered " + status);
        return;
      }
    }
    out.setStatusCode(status);
    out.putHeader(HttpHeaders.CONTENT_TYPE, MediaTypes.of(name));
    for (CharSequence h :
        new CharSequence[] {
          HttpHeaders.ETAG, HttpHeaders.LAST_MODIFIED, HttpHeaders.CONTENT_RANGE
        }) {
      String v = resp.getHeader(h);
      if (v != null) {
        out.putHeader(h, v);
      }
    }
    if (!playlist) {
      out.putHeader(HttpHeaders.CACHE_CONTROL, IMMUTABLE);
      out.putHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
      out.putHeader(X_CACHE, "MISS");
      String length = resp.getHeader(HttpHeaders.CONTENT_LENGTH);
      if (length != null) {
        out.putHeader(HttpHeaders.CONTENT_LENGTH, length);
      }
      if (status == 304 || ctx.request().method() == HttpMethod.HEAD) {
        resp.end();
        out.end();
      } else if (status == 200
          && cacheKey != null
          && length != null
          && cache.fits(Long.parseLong(length))) {
        resp.body()
            .onSuccess(
                body -> {
                  out.end(body);
                  String etag = resp.getHeader(HttpHeaders.ETAG);
                  String modified = resp.getHeader(HttpHeaders.LAST_MODIFIED);
                  vertx
                      .executeBlocking(
                          () -> {
                            cache.store(cacheKey, body, etag, modified);
                            return null;
                          },
                          false)
                      .onFailure(err -> LOG.warn("not cached: {}: {}", cacheKey, err.toString()));
                })
            .onFailure(ctx::fail);
      } else {
        resp.pipeTo(out);
      }
      return;
    }
    if (status == 304 || ctx.request().method() == HttpMethod.HEAD) {
      // Without the body we cannot tell EVENT from VOD; the short policy is safe for both.
      out.putHeader(HttpHeaders.CACHE_CONTROL, EVENT_PLAYLIST);
      resp.end();
      out.end();
      return;
    }
    String length = resp.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && Long.parseLong(length) > MAX_PLAYLIST_BYTES) {
      resp.end();
      ApiErrors.send(out, 502, "bad_gateway", "playlist too large");
      return;
    }
    resp.body()
        .onSuccess(
            body -> {
              String text = body.toString();
              // An EVENT playlist grows: clients must re-fetch it; a finished one is stable.
              boolean growing = text.contains("#EXT-X-PLAYLIST-TYPE:EVENT");
              String policy = growing ? EVENT_PLAYLIST : VOD_PLAYLIST;
              if (token == null) {
                out.putHeader(HttpHeaders.CACHE_CONTROL, policy);
                Gzip.end(ctx, body);
                return;
              }
              // The signed copy names the token: for this viewer's cache only.
              out.putHeader(HttpHeaders.CACHE_CONTROL, policy.replace("public", "private"));
              Gzip.end(
                  ctx, SignedPlaylists.sign(name, text, PlaybackAccess.TOKEN_PARAM + "=" + token));
            })
        .onFailure(ctx::fail);
  }

  @Override
  public Future<Void> close() {
    Future<Void> redis = redisClient == null ? Future.succeededFuture() : redisClient.close();
    return s3 == null ? redis : Future.all(redis, s3.close()).mapEmpty();
  }
}
