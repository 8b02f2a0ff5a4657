package io.reelay.vod;

import io.reelay.auth.PlaybackTokens;
import io.reelay.auth.Principal;
import io.reelay.config.ReelayConfig;
import io.reelay.video.Video;
import io.reelay.video.VideoStore;
import io.reelay.video.Visibility;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may play a VOD presentation. Public and unlisted videos need nothing; a private one needs a
 * signed playback token ({@link PlaybackTokens}) over its URL prefix {@code /vod/{id}/}, carried as
 * the {@code token} query parameter, which delivery propagates to every child URL of a playlist.
 * Tokens are issued to the owner and admins only, with the media URLs they sign.
 */
public final class PlaybackAccess {
  public static final String TOKEN_PARAM = "token";

  /** Long enough to watch the whole video at leisure, short enough that a leaked URL dies soon. */
  static final Duration MIN_TOKEN_LIFETIME = Duration.ofHours(1);

  /** How long a node trusts the visibility it read; a change reaches every node within this. */
  private static final long VISIBILITY_CACHE_NANOS = Duration.ofSeconds(2).toNanos();

  private static final int VISIBILITY_CACHE_MAX = 10_000;

  /** The outcome of a media request's check. */
  public enum Decision {
    /** Public or unlisted. */
    OPEN,
    /** No record (deleted, or media written without one): storage decides, no cached copy. */
    NO_RECORD,
    /** A valid token for this path: playlists pass it on to their child URLs. */
    SIGNED,
    /** A private video and no token. */
    TOKEN_REQUIRED,
    /** A private video and a token that is expired, tampered with or for another video. */
    TOKEN_INVALID
  }

  /** The visibility read, or null when there is no record. */
  private record Cached(Visibility visibility, long until) {}

  private final VideoStore videos;
  private final PlaybackTokens tokens;
  private final Clock clock;
  private final Map<String, Cached> visibilities = new ConcurrentHashMap<>();

  public PlaybackAccess(VideoStore videos, PlaybackTokens tokens, Clock clock) {
    this.videos = videos;
    this.tokens = tokens;
    this.clock = clock;
  }

  public static PlaybackAccess forConfig(ReelayConfig config, VideoStore videos) {
    return new PlaybackAccess(videos, PlaybackTokens.forConfig(config), Clock.systemUTC());
  }

  /** The URL prefix a video's token covers. */
  public static String prefix(String videoId) {
    return VodKeys.url(videoId, "");
  }

  /**
   * Checks a request for {@code path} (under {@code /vod/{id}/}). A valid token needs no lookup; a
   * request without one reads the video's visibility (cached for a moment per node).
   */
  public Future<Decision> check(String videoId, String path, String token) {
    if (token != null && tokens.verify(token, path, clock.instant().getEpochSecond())) {
      return Future.succeededFuture(Decision.SIGNED);
    }
    return visibility(videoId)
        .map(
            v -> {
              if (v == null) {
                return Decision.NO_RECORD;
              }
              if (v != Visibility.PRIVATE) {
                return Decision.OPEN;
              }
              return token == null ? Decision.TOKEN_REQUIRED : Decision.TOKEN_INVALID;
            });
  }

  private Future<Visibility> visibility(String videoId) {
    long now = System.nanoTime();
    Cached c = visibilities.get(videoId);
    if (c != null && c.until - now > 0) {
      return Future.succeededFuture(c.visibility);
    }
    return videos
        .get(videoId)
        .map(
            found -> {
              Visibility v = found.map(Video::visibility).orElse(null);
              if (visibilities.size() >= VISIBILITY_CACHE_MAX) {
                visibilities.clear(); // bounded memory; the cache refills from Redis
              }
              visibilities.put(videoId, new Cached(v, now + VISIBILITY_CACHE_NANOS));
              return v;
            });
  }

  /** A token for every file of {@code video}, valid for its duration twice over, at least 1 h. */
  public Token issue(Video video) {
    double duration = video.media().getDouble("duration", 0.0);
    Duration lifetime = MIN_TOKEN_LIFETIME.plusSeconds((long) Math.ceil(2 * Math.max(0, duration)));
    long expires = clock.instant().plus(lifetime).getEpochSecond();
    return new Token(tokens.sign(prefix(video.id()), expires), expires);
  }

  /** A signed token and its expiry (epoch seconds). */
  public record Token(String value, long expiresAt) {
    public String query() {
      return TOKEN_PARAM + "=" + value;
    }
  }

  /**
   * The API form of {@code video} for a caller who may watch it: for a private video its media URLs
   * carry a fresh token, and {@code playback} says until when, so the web app and API clients play
   * it as they would a public one.
   */
  public JsonObject apiJson(Video video, JsonObject json) {
    if (video.visibility() != Visibility.PRIVATE) {
      return json;
    }
    Token token = issue(video);
    for (String field : new String[] {"hls", "dash", "thumbnail", "storyboard"}) {
      String url = json.getString(field);
      if (url != null) {
        json.put(field, url + (url.indexOf('?') >= 0 ? '&' : '?') + token.query());
      }
    }
    return json.put(
        "playback",
        new JsonObject().put("token", token.value()).put("expiresAt", token.expiresAt()));
  }

  /** Whether the caller (empty: anonymous) may see and play {@code video}. */
  public static boolean mayWatch(Optional<Principal> caller, Video video) {
    return video.watchableBy(
        caller.map(Principal::userId).orElse(null), caller.map(Principal::isAdmin).orElse(false));
  }
}
