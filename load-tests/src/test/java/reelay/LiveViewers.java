package reelay;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Viewers of one live stream, as a (non-low-latency) HLS player behaves: load the master, then for
 * the video variant and its audio rendition the media playlist and the init segment, then reload
 * both playlists and fetch each segment that is new since the last reload exactly once (the first
 * reload starts at the newest segment, the live edge). Reloads follow RFC 8216 §6.3.4: after one
 * that brought a new segment the player waits the playlist's target duration, after one that did
 * not, half of it ({@code -DpollSeconds} replaces this with a fixed interval). Parts and LL-HLS
 * blocking reloads are not used: this is the plain-polling player, the common case for a CDN'd
 * audience. Each viewer has its own connection, as separate players do. Anything but a 200 is a
 * failed request, and failed requests or a p99 above {@code p99Ms} fail the run.
 *
 * <p>-DstreamId (or -DmasterPath, any server's HLS master) -Dusers -Dduration -DrampUp
 * -DpollSeconds (default 0: as RFC 8216 says, from EXT-X-TARGETDURATION) -Dp99Ms; -DwarmupUsers
 * (default 0: none) viewers for -DwarmupSeconds (30) first, left out of the statistics.
 */
public class LiveViewers extends Simulation {
  private static final Pattern URI_LINE = Pattern.compile("(?m)^([^#\\s]\\S*)\\s*$");
  private static final Pattern MEDIA_SEQUENCE = Pattern.compile("#EXT-X-MEDIA-SEQUENCE:(\\d+)");
  private static final Pattern TARGET_DURATION = Pattern.compile("#EXT-X-TARGETDURATION:(\\d+)");
  /** Reload interval for a playlist that could not be read or names no target duration. */
  private static final long FALLBACK_TARGET_MS = 1000;
  private static final Pattern MAP = Pattern.compile("#EXT-X-MAP:URI=\"([^\"]+)\"");
  private static final Pattern AUDIO =
      Pattern.compile("(?m)^#EXT-X-MEDIA:TYPE=AUDIO,.*URI=\"([^\"]+)\"");
  private static final Pattern VARIANT = Pattern.compile("(?m)^([^#\\s]\\S*\\.m3u8)\\s*$");

  private final String streamId = Params.string("streamId", "");
  /** A fixed reload interval; 0 (the default) reloads as RFC 8216 says. */
  private final double pollSeconds = Params.decimal("pollSeconds", 0);
  /** Any HLS master works (e.g. a reference server's); by default the Reelay stream's. */
  private final String masterPath =
      Params.string("masterPath", "/live/" + streamId + "/master.m3u8");
  private final String root = masterPath.replaceAll("[^/]*$", "");

  private final HttpProtocolBuilder protocol =
      // No client cache: every reload and segment is a full request (hls.js fetches playlists
      // past the browser cache too), the same for every server under test.
      http.baseUrl(Params.baseUrl()).acceptEncodingHeader("gzip").disableCaching();

  /**
   * Viewers who play for {@code duration}. A silent one's requests are left out of the statistics
   * and assertions: the warm-up, which runs first in the same JVM so that neither the server's nor
   * Gatling's own just-in-time compiler is measured as response time.
   */
  private ScenarioBuilder viewers(String name, Duration duration, boolean silent) {
    return scenario(name)
        .exec(
            quiet(
                http("master")
                    .get(masterPath)
                    .check(status().is(200))
                    .check(bodyString().saveAs("master")),
                silent))
        .exec(LiveViewers::pickRenditions)
        .exitHereIfFailed() // a player without a master plays nothing
        .exec(start("video", silent))
        .doIf(session -> session.contains("audio.playlist"))
        .then(start("audio", silent))
        .exitHereIfFailed()
        .during(duration)
        .on(
            exec(poll("video", silent))
                .doIf(session -> session.contains("audio.playlist"))
                .then(poll("audio", silent))
                .pause(this::nextReload));
  }

  private static HttpRequestActionBuilder quiet(HttpRequestActionBuilder request, boolean silent) {
    return silent ? request.silent() : request;
  }

  /** The video variant (first listed) and the audio rendition's playlist paths, from the master. */
  private static Session pickRenditions(Session session) {
    String master = session.getString("master");
    Matcher variant = VARIANT.matcher(master);
    if (!variant.find()) {
      return session.markAsFailed();
    }
    Session s = session.remove("master").set("video.playlist", variant.group(1));
    Matcher audio = AUDIO.matcher(master);
    return audio.find() ? s.set("audio.playlist", audio.group(1)) : s;
  }

  /** First load of a rendition: its playlist, then its init segment (fMP4 only), once. */
  private ChainBuilder start(String rendition, boolean silent) {
    String playlist = rendition + ".playlist";
    String init = rendition + ".init";
    return exec(quiet(
            http("playlist " + rendition)
                .get(session -> root + session.getString(playlist))
                .check(status().is(200))
                .check(bodyString().saveAs(init)),
            silent))
        .exec(
            session -> {
              Matcher map = MAP.matcher(session.getString(init));
              Session s = session.set(rendition + ".last", -1L);
              return map.find() ? s.set(init, map.group(1)) : s.remove(init);
            })
        .doIf(session -> session.contains(init))
        .then(
            exec(quiet(
                http("init " + rendition)
                    .get(session -> dir(session, rendition) + session.getString(init))
                    .check(status().is(200)),
                silent)));
  }

  /** One reload of a rendition's playlist, then each segment listed since the last one, once. */
  private ChainBuilder poll(String rendition, boolean silent) {
    String fresh = rendition + ".fresh";
    return exec(quiet(
            http("playlist " + rendition)
                .get(session -> root + session.getString(rendition + ".playlist"))
                .check(status().is(200))
                .check(bodyString().saveAs(rendition + ".body")),
            silent))
        .exec(session -> newSegments(session, rendition))
        .foreach(session -> session.getList(fresh), "segment")
        .on(
            exec(quiet(
                http("segment " + rendition)
                    .get(session -> dir(session, rendition) + session.getString("segment"))
                    .check(status().is(200)),
                silent)));
  }

  /**
   * How long the player waits before reloading: the target duration after a reload that listed a
   * new segment, half of it otherwise (RFC 8216 §6.3.4), judged on the video playlist.
   */
  private Duration nextReload(Session session) {
    if (pollSeconds > 0) {
      return Duration.ofMillis(Math.round(pollSeconds * 1000));
    }
    long targetMs = session.getLong("video.targetMs");
    return Duration.ofMillis(session.getBoolean("video.changed") ? targetMs : targetMs / 2);
  }

  /** Segments after the last one fetched; on the first poll only the newest (the live edge). */
  private static Session newSegments(Session session, String rendition) {
    long last = session.getLong(rendition + ".last");
    String body = session.getString(rendition + ".body");
    if (body == null) { // the reload failed (already counted): nothing new this time
      return session
          .set(rendition + ".fresh", List.of())
          .set(rendition + ".changed", false)
          .set(rendition + ".targetMs", FALLBACK_TARGET_MS);
    }
    Matcher target = TARGET_DURATION.matcher(body);
    long targetMs = target.find() ? Long.parseLong(target.group(1)) * 1000 : FALLBACK_TARGET_MS;
    Matcher sequence = MEDIA_SEQUENCE.matcher(body);
    long msn = (sequence.find() ? Long.parseLong(sequence.group(1)) : 0) - 1;
    List<String> fresh = new ArrayList<>();
    String newest = null;
    Matcher uri = URI_LINE.matcher(body);
    while (uri.find()) {
      msn++; // each URI line is the next media sequence number
      if (last >= 0 && msn > last) {
        fresh.add(uri.group(1));
      }
      newest = uri.group(1);
    }
    if (last < 0 && newest != null) {
      fresh.add(newest);
    }
    return session
        .remove(rendition + ".body")
        .set(rendition + ".fresh", fresh)
        .set(rendition + ".changed", !fresh.isEmpty())
        .set(rendition + ".targetMs", targetMs)
        .set(rendition + ".last", newest == null ? last : Math.max(last, msn));
  }

  /** The rendition's directory: media URIs in its playlist are relative to it. */
  private String dir(Session session, String rendition) {
    return root + session.getString(rendition + ".playlist").replaceAll("[^/]*$", "");
  }

  {
    if (streamId.isEmpty() && System.getProperty("masterPath") == null) {
      throw new IllegalArgumentException("-DstreamId (or -DmasterPath) is required");
    }
    int warmupUsers = Params.integer("warmupUsers", 0);
    var measured =
        viewers("live viewer", Params.duration(), false)
            .injectOpen(rampUsers(Params.users()).during(Params.rampUp()));
    var population =
        warmupUsers <= 0
            ? measured
            : viewers("warm-up viewer", Duration.ofSeconds(Params.integer("warmupSeconds", 30)), true)
                .injectOpen(rampUsers(warmupUsers).during(Params.rampUp()))
                .andThen(measured);
    setUp(population)
        .protocols(protocol)
        .assertions(
            global().failedRequests().count().is(0L),
            global().responseTime().percentile(99.0).lt(Params.p99Ms()));
  }
}
