package reelay;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Viewers of one VOD video: master, one rung's playlist, its init segment, then segments in order
 * paced at real time (segment duration / -Dspeed), with an occasional random seek.
 *
 * <p>-DvideoId (required) -Dusers -Dduration -DrampUp -Dspeed (default 1) -DseekChance (0.05)
 * -Dp99Ms.
 */
public class VodViewers extends Simulation {
  private final String videoId = Params.string("videoId", "");
  private final double speed = Params.decimal("speed", 1.0);
  private final double seekChance = Params.decimal("seekChance", 0.05);
  private final String root = "/vod/" + videoId + "/";

  private final HttpProtocolBuilder protocol =
      http.baseUrl(Params.baseUrl()).acceptEncodingHeader("gzip").shareConnections();

  private final ScenarioBuilder viewers =
      scenario("vod viewer")
          .exec(
              http("master")
                  .get(root + "master.m3u8")
                  .check(status().is(200))
                  .check(regex("(?m)^([^#\\s][^\\s]*\\.m3u8)").findAll().saveAs("rungs")))
          .exec(
              session -> {
                List<Object> rungs = session.getList("rungs");
                String rung = String.valueOf(rungs.get(ThreadLocalRandom.current().nextInt(rungs.size())));
                return session.set("rung", rung).set("dir", root + rung.replaceAll("[^/]*$", ""));
              })
          .exec(
              http("media playlist")
                  .get(session -> root + session.getString("rung"))
                  .check(status().is(200))
                  .check(regex("#EXT-X-MAP:URI=\"([^\"]+)\"").find().saveAs("init"))
                  .check(regex("#EXT-X-TARGETDURATION:([0-9]+)").find().saveAs("target"))
                  .check(regex("(?m)^([^#\\s][^\\s]*)$").findAll().saveAs("segments")))
          .exec(
              http("init")
                  .get(session -> session.getString("dir") + session.getString("init"))
                  .check(status().is(200)))
          .exec(session -> session.set("i", 0))
          .during(Params.duration())
          .on(
              exec(session -> {
                    List<Object> segs = session.getList("segments");
                    int i = session.getInt("i");
                    if (i >= segs.size() || ThreadLocalRandom.current().nextDouble() < seekChance) {
                      i = ThreadLocalRandom.current().nextInt(segs.size());
                    }
                    return session.set("i", i + 1).set("segment", String.valueOf(segs.get(i)));
                  })
                  .exec(
                      http("segment")
                          .get(session -> session.getString("dir") + session.getString("segment"))
                          .check(status().is(200)))
                  .pause(
                      session ->
                          Duration.ofMillis(
                              Math.round(Integer.parseInt(session.getString("target")) * 1000 / speed))));

  {
    if (videoId.isEmpty()) {
      throw new IllegalArgumentException("-DvideoId is required");
    }
    setUp(viewers.injectOpen(rampUsers(Params.users()).during(Params.rampUp())))
        .protocols(protocol)
        .assertions(
            global().failedRequests().count().is(0L),
            global().responseTime().percentile(99.0).lt(Params.p99Ms()));
  }
}
