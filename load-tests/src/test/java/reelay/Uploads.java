package reelay;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

/**
 * Concurrent tus uploads: create, PATCH the file in chunks at the offsets the server reports, and
 * check the final offset. -Dtoken (a bearer token: the admin token or a creator's session)
 * -Dusers -DrampUp -DsizeMb (default 8) -DchunkMb (default 1) -Dp99Ms (default 2000).
 */
public class Uploads extends Simulation {
  private final String token = Params.string("token", "");
  private final int size = Params.integer("sizeMb", 8) * 1024 * 1024;
  private final int chunk = Params.integer("chunkMb", 1) * 1024 * 1024;
  private final byte[] chunkBytes = new byte[chunk];

  private final HttpProtocolBuilder protocol =
      http.baseUrl(Params.baseUrl())
          .header("Tus-Resumable", "1.0.0")
          .header("Authorization", "Bearer " + token);

  private final ScenarioBuilder uploads =
      scenario("tus upload")
          .exec(
              http("create")
                  .post("/files/")
                  .header("Upload-Length", Integer.toString(size))
                  .header(
                      "Upload-Metadata",
                      "filename "
                          + Base64.getEncoder()
                              .encodeToString("load-test.bin".getBytes(StandardCharsets.UTF_8)))
                  .check(status().is(201))
                  .check(header("Location").saveAs("location")))
          .exec(session -> session.set("offset", 0))
          .asLongAs(session -> session.getInt("offset") < size)
          .on(
              exec(http("patch")
                  .patch("#{location}")
                  .header("Content-Type", "application/offset+octet-stream")
                  .header("Upload-Offset", "#{offset}")
                  .body(
                      ByteArrayBody(
                          session -> {
                            int left = size - session.getInt("offset");
                            return left >= chunk
                                ? chunkBytes
                                : java.util.Arrays.copyOf(chunkBytes, left);
                          }))
                  .check(status().is(204))
                  .check(header("Upload-Offset").saveAs("offsetText")))
                  .exec(session -> session.set("offset", Integer.parseInt(session.getString("offsetText")))))
          .exec(
              http("head")
                  .head("#{location}")
                  .check(status().is(200))
                  .check(header("Upload-Offset").is(Integer.toString(size))));

  {
    if (token.isEmpty()) {
      throw new IllegalArgumentException("-Dtoken is required");
    }
    new Random(42).nextBytes(chunkBytes);
    setUp(uploads.injectOpen(rampUsers(Params.users()).during(Params.rampUp())))
        .protocols(protocol)
        .assertions(
            global().failedRequests().count().is(0L),
            global().responseTime().percentile(99.0).lt(Params.integer("p99Ms", 2000)));
  }
}
