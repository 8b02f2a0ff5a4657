package reelay;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Viewers of one live stream, as a (non-low-latency) HLS player behaves: load the master, then for
 * the video variant and its audio rendition the media playlist and the init segment, then poll
 * both playlists every {@code pollSeconds} and fetch each segment that is new since the last poll
 * exactly once (the first poll starts at the newest segment, the live edge). Parts and LL-HLS
 * blocking reloads are not used: this is the plain-polling player, the common case for a CDN'd
 * audience. Each viewer has its own connection, as separate players do. Anything but a 200 is a
 * failed request, and failed requests or a p99 above {@code p99Ms} fail the run.
 *
 * <p>-DstreamId (required) -Dusers -Dduration -DrampUp -DpollSeconds (default 1.0) -Dp99Ms.
 */
public class LiveViewers extends Simulation {
  private static final Pattern SEGMENT = Pattern.compile("(?m)^(seg-(\\d+)\\.m4s)\\s*$");
  private static final Pattern MAP = Pattern.compile("#EXT-X-MAP:URI=\"([^\"]+)\"");
  private static final Pattern AUDIO =
      Pattern.compile("(?m)^#EXT-X-MEDIA:TYPE=AUDIO,.*URI=\"([^\"]+)\"");
  private static final Pattern VARIANT = Pattern.compile("(?m)^([^#\\s]\\S*\\.m3u8)\\s*$");

  private final String streamId = Params.string("streamId", "");
  private final double pollSeconds = Params.decimal("pollSeconds", 1.0);
  private final String root = "/live/" + streamId + "/";

  private final HttpProtocolBuilder protocol =
      http.baseUrl(Params.baseUrl()).acceptEncodingHeader("gzip");

  private final ScenarioBuilder viewers =
      scenario("live viewer")
          .exec(
              http("master")
                  .get(root + "master.m3u8")
                  .check(status().is(200))
                  .check(bodyString().saveAs("master")))
          .exec(LiveViewers::pickRenditions)
          .exitHereIfFailed() // a player without a master plays nothing
          .exec(start("video"))
          .doIf(session -> session.contains("audio.playlist"))
          .then(start("audio"))
          .exitHereIfFailed()
          .during(Params.duration())
          .on(
              exec(poll("video"))
                  .doIf(session -> session.contains("audio.playlist"))
                  .then(poll("audio"))
                  .pause(Duration.ofMillis(Math.round(pollSeconds * 1000))));

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

  /** First load of a rendition: its playlist, then its init segment, once. */
  private ChainBuilder start(String rendition) {
    String playlist = rendition + ".playlist";
    return exec(http("playlist " + rendition)
            .get(session -> root + session.getString(playlist))
            .check(status().is(200))
            .check(regex(MAP.pattern()).find().saveAs(rendition + ".init")))
        .exec(session -> session.set(rendition + ".last", -1L))
        .exec(
            http("init " + rendition)
                .get(session -> dir(session, rendition) + session.getString(rendition + ".init"))
                .check(status().is(200)));
  }

  /** One reload of a rendition's playlist, then each segment listed since the last one, once. */
  private ChainBuilder poll(String rendition) {
    String fresh = rendition + ".fresh";
    return exec(http("playlist " + rendition)
            .get(session -> root + session.getString(rendition + ".playlist"))
            .check(status().is(200))
            .check(bodyString().saveAs(rendition + ".body")))
        .exec(session -> newSegments(session, rendition))
        .foreach(session -> session.getList(fresh), "segment")
        .on(
            exec(http("segment " + rendition)
                .get(session -> dir(session, rendition) + session.getString("segment"))
                .check(status().is(200))));
  }

  /** Segments after the last one fetched; on the first poll only the newest (the live edge). */
  private static Session newSegments(Session session, String rendition) {
    long last = session.getLong(rendition + ".last");
    List<String> fresh = new ArrayList<>();
    long newest = last;
    Matcher m = SEGMENT.matcher(session.getString(rendition + ".body"));
    String newestName = null;
    while (m.find()) {
      long msn = Long.parseLong(m.group(2));
      if (last >= 0 && msn > last) {
        fresh.add(m.group(1));
      }
      if (msn > newest) {
        newest = msn;
        newestName = m.group(1);
      }
    }
    if (last < 0 && newestName != null) {
      fresh.add(newestName);
    }
    return session
        .remove(rendition + ".body")
        .set(rendition + ".fresh", fresh)
        .set(rendition + ".last", newest);
  }

  /** The rendition's directory: media URIs in its playlist are relative to it. */
  private String dir(Session session, String rendition) {
    return root + session.getString(rendition + ".playlist").replaceAll("[^/]*$", "");
  }

  {
    if (streamId.isEmpty()) {
      throw new IllegalArgumentException("-DstreamId is required");
    }
    setUp(viewers.injectOpen(rampUsers(Params.users()).during(Params.rampUp())))
        .protocols(protocol)
        .assertions(
            global().failedRequests().count().is(0L),
            global().responseTime().percentile(99.0).lt(Params.p99Ms()));
  }
}
