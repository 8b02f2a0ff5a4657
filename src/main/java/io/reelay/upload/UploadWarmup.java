package io.reelay.upload;

import io.reelay.config.ReelayConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@code REELAY_UPLOAD_WARMUP} bytes through this node's own tus endpoint once it listens, so
 * that the JIT compiles the upload path (HTTP server, part PUTs, the object store) before a
 * creator's first upload instead of during it: a fresh JVM spent 13–17 CPU seconds on its first GiB
 * against 4–5 once warm. It is an ordinary admin upload over loopback: created one byte longer than
 * what is sent (so it never completes, no video is produced), then terminated, which aborts its S3
 * multipart upload and deletes its record. Runs in the background: the server serves from the
 * start; a failure is logged and changes nothing else.
 */
final class UploadWarmup {
  private static final Logger LOG = LoggerFactory.getLogger(UploadWarmup.class);
  // The pieces a browser's PATCH reaches the server in (the server's maximum chunk size).
  private static final int PIECE = 64 * 1024;

  private final String token;
  private final long bytes;
  private final HttpClient http;

  UploadWarmup(Vertx vertx, ReelayConfig config, int port, long bytes) {
    this.token = config.adminToken().orElseThrow();
    this.bytes = bytes;
    String host = config.httpHost();
    boolean wildcard = host.isEmpty() || "0.0.0.0".equals(host) || "::".equals(host);
    this.http =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setDefaultHost(wildcard ? "127.0.0.1" : host)
                .setDefaultPort(port));
  }

  /** The scratch upload's id and the bytes the server had committed when it was terminated. */
  record Done(String id, long sent) {}

  Future<Done> run() {
    long startNanos = System.nanoTime();
    long startCpu = processCpuNanos();
    return create()
        .compose(this::sendAndTerminate)
        .onSuccess(
            done ->
                LOG.info(
                    "upload warm-up: {} MiB through /files/ in {} ms, {} ms of process CPU",
                    done.sent() >> 20,
                    (System.nanoTime() - startNanos) / 1_000_000,
                    (processCpuNanos() - startCpu) / 1_000_000))
        .onFailure(err -> LOG.warn("upload warm-up failed (uploads are unaffected): {}", err))
        .onComplete(ar -> http.close());
  }

  /** The PATCH, then the termination whatever the PATCH did (its failure is the one reported). */
  private Future<Done> sendAndTerminate(String location) {
    Future<Long> patched = patch(location);
    String id = location.substring(location.lastIndexOf('/') + 1);
    return patched
        .transform(ar -> terminate(location))
        .transform(
            terminated ->
                terminated.failed() && patched.succeeded()
                    ? Future.<Long>failedFuture(terminated.cause())
                    : patched)
        .map(sent -> new Done(id, sent));
  }

  private Future<String> create() {
    String name = Base64.getEncoder().encodeToString("upload warm-up".getBytes());
    return request(HttpMethod.POST, "/files/")
        .compose(
            req ->
                req.putHeader("Upload-Length", String.valueOf(bytes + 1))
                    .putHeader("Upload-Metadata", "filename " + name)
                    .send())
        // The path only: Location may name the host clients use.
        .compose(
            resp ->
                expect(resp, 201).map(v -> URI.create(resp.getHeader("Location")).getRawPath()));
  }

  /** One PATCH of {@code bytes}; returns the offset the server took them to. */
  private Future<Long> patch(String location) {
    byte[] piece = new byte[PIECE];
    ThreadLocalRandom.current().nextBytes(piece);
    return request(HttpMethod.PATCH, location)
        .compose(
            req -> {
              req.putHeader("Content-Type", "application/offset+octet-stream")
                  .putHeader("Upload-Offset", "0")
                  .putHeader("Content-Length", String.valueOf(bytes));
              Promise<Void> written = Promise.promise();
              pump(req, piece, bytes, written);
              return written.future().compose(v -> req.response());
            })
        .compose(
            resp -> expect(resp, 204).map(v -> Long.parseLong(resp.getHeader("Upload-Offset"))));
  }

  /** Writes {@code left} bytes, waiting whenever the connection's queue is full. */
  private void pump(HttpClientRequest req, byte[] piece, long left, Promise<Void> written) {
    while (left > 0 && !req.writeQueueFull()) {
      int n = (int) Math.min(piece.length, left);
      req.write(Buffer.buffer(piece).slice(0, n));
      left -= n;
    }
    if (left == 0) {
      req.end().onComplete(written);
    } else {
      long rest = left;
      req.drainHandler(v -> pump(req, piece, rest, written));
    }
  }

  private Future<Void> terminate(String location) {
    return request(HttpMethod.DELETE, location)
        .compose(HttpClientRequest::send)
        .compose(resp -> expect(resp, 204));
  }

  private Future<HttpClientRequest> request(HttpMethod method, String uri) {
    return http.request(new RequestOptions().setMethod(method).setURI(uri))
        .map(
            req ->
                req.putHeader("Tus-Resumable", "1.0.0")
                    .putHeader("Authorization", "Bearer " + token));
  }

  private static Future<Void> expect(HttpClientResponse resp, int status) {
    return resp.body()
        .compose(
            body ->
                resp.statusCode() == status
                    ? Future.succeededFuture()
                    : Future.failedFuture(
                        new IllegalStateException(
                            resp.request().getMethod()
                                + " answered "
                                + resp.statusCode()
                                + ": "
                                + body)));
  }

  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : 0;
  }
}
