package io.reelay.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.platform.ReelayVertx;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A media file sent by a real Vert.x server to a real client, over HTTP/1.1 and h2c. */
class MediaFileTest {
  @TempDir Path dir;
  private Vertx vertx;
  private HttpServer server;
  private final AtomicReference<MediaFile> served = new AtomicReference<>();

  @BeforeEach
  void setUp() throws Exception {
    vertx = ReelayVertx.create();
    server =
        vertx
            .createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true))
            .requestHandler(
                req ->
                    served
                        .get()
                        .send(vertx, req.version(), req.response())
                        .onFailure(err -> req.response().setStatusCode(410).end(err.getMessage())))
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private HttpResponse<byte[]> get(HttpClient.Version version) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(version).build();
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/m"))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  @DisplayName(
      "sent whole over HTTP/1.1 (sendfile) and h2c; no file name left; gone once discarded")
  void sendsAndDiscards() throws Exception {
    byte[] bytes = new byte[700_000];
    new Random(7).nextBytes(bytes);
    MediaFile file =
        vertx
            .executeBlocking(() -> MediaFile.write(dir, Buffer.buffer(bytes)))
            .await(10, TimeUnit.SECONDS);
    served.set(file);
    try (var names = Files.list(dir)) {
      assertEquals(0, names.count(), "unlinked once written");
    }
    for (HttpClient.Version version : HttpClient.Version.values()) {
      for (int i = 0; i < 3; i++) {
        HttpResponse<byte[]> r = get(version);
        assertEquals(200, r.statusCode(), version + ": " + new String(r.body()));
        assertArrayEquals(bytes, r.body(), version.toString());
      }
    }
    file.discard();
    HttpResponse<byte[]> gone = get(HttpClient.Version.HTTP_1_1);
    assertEquals(410, gone.statusCode());
    assertTrue(new String(gone.body()).contains("discarded"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (file.open() && System.nanoTime() < deadline) {
      Thread.sleep(10); // closed on the closer thread, not the caller's
    }
    assertFalse(file.open(), "closed once discarded and unused");
  }
}
