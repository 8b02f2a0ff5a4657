package reelay;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;

/**
 * Viewers of one live stream, as a player behaves: load the master and the media playlist, then
 * poll the playlist every part (or segment) duration and fetch each new segment once.
 *
 * <p>-DstreamId (required) -Dusers -Dduration -DrampUp -DpollSeconds (default 1.0) -Dp99Ms.
 */
public class LiveViewers extends Simulation {
  private final String streamId = Params.string("streamId", "");
  private final double pollSeconds = Params.decimal("pollSeconds", 1.0);

  private final HttpProtocolBuilder protocol =
      http.baseUrl(Params.baseUrl()).acceptEncodingHeader("gzip").shareConnections();

  private final ScenarioBuilder viewers =
      scenario("live viewer")
          .exec(
              http("master")
                  .get("/live/" + streamId + "/master.m3u8")
                  .check(status().is(200))
                  .check(regex("(?m)^([^#\\s][^\\s]*index\\.m3u8)").find().saveAs("media")))
          .exec(
              session ->
                  session.set(
                      "base",
                      "/live/" + streamId + "/" + session.getString("media").replaceAll("[^/]*$", "")))
          .exec(session -> session.set("last", ""))
          .during(Params.duration())
          .on(
              exec(http("playlist")
                      .get(session -> "/live/" + streamId + "/" + session.getString("media"))
                      .check(status().is(200))
                      .check(regex("(?m)^(seg-[0-9]+\\.m4s)$").findAll().saveAs("segments")))
                  .exec(
                      session -> {
                        var list = session.getList("segments");
                        String newest = list.isEmpty() ? "" : String.valueOf(list.get(list.size() - 1));
                        return session.set("newest", newest);
                      })
                  .doIf(session -> !session.getString("newest").equals(session.getString("last")))
                  .then(
                      exec(http("segment")
                              .get(session -> session.getString("base") + session.getString("newest"))
                              .check(status().is(200)))
                          .exec(session -> session.set("last", session.getString("newest"))))
                  .pause(Duration.ofMillis(Math.round(pollSeconds * 1000))));

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
