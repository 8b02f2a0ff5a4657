package io.reelay.storage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Path;
import java.util.List;

/**
 * Moves object bodies between the store and local files or HTTP responses over presigned URLs, with
 * the non-blocking Vert.x HTTP client: bytes stream with backpressure, never pile up in the heap,
 * and no worker thread waits on the network. Presigned requests carry an unsigned payload, so the
 * body is not hashed first either.
 */
public final class ObjectTransfer {
  private static final int READ_BUFFER = 256 * 1024;
  private static final int PUT_QUEUE_BYTES = 1024 * 1024;
  private final HttpClient http;

  public ObjectTransfer(Vertx vertx) {
    this.http =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setIdleTimeout(60),
            new PoolOptions().setHttp1MaxSize(16));
  }

  /** PUTs {@code size} bytes of {@code file} to {@code url}; returns the ETag the store gave. */
  public Future<String> putFile(Vertx vertx, String url, Path file, long size) {
    return vertx
        .fileSystem()
        .open(file.toString(), new OpenOptions().setRead(true).setWrite(false))
        .compose(
            in ->
                http.request(new RequestOptions().setMethod(HttpMethod.PUT).setAbsoluteURI(url))
                    .compose(
                        req -> {
                          req.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(size));
                          // Large reads: the default 8 KiB would mean a worker task per 8 KiB.
                          return req.send(in.setReadBufferSize(READ_BUFFER).setReadLength(size));
                        })
                    .compose(resp -> expect(resp, 200).map(v -> resp.getHeader("ETag")))
                    .eventually(() -> in.close()));
  }

  /**
   * Opens a PUT of exactly {@code size} bytes to {@code url}: the caller writes the body (watching
   * {@code writeQueueFull}) and ends it, then reads the ETag with {@link #etag}. Lets a request
   * body flow straight into S3 without touching the disk.
   */
  public Future<HttpClientRequest> openPut(String url, long size) {
    return http.request(new RequestOptions().setMethod(HttpMethod.PUT).setAbsoluteURI(url))
        .map(
            req ->
                req.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(size))
                    // The default (64 KiB) is full after a few request chunks, pausing the body
                    // that feeds this PUT at every turn.
                    .setWriteQueueMaxSize(PUT_QUEUE_BYTES));
  }

  /** The ETag the store answers to a PUT opened with {@link #openPut} (after it is ended). */
  public static Future<String> etag(HttpClientRequest put) {
    return put.response().compose(resp -> expect(resp, 200).map(v -> resp.getHeader("ETag")));
  }

  /** Appends the object at {@code url} to {@code out} (left open); returns the bytes written. */
  public Future<Long> appendTo(String url, AsyncFile out) {
    return http.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url))
        .compose(req -> req.send())
        .compose(
            resp -> {
              if (resp.statusCode() != 200) {
                return expect(resp, 200).map(0L);
              }
              long before = out.getWritePos();
              return resp.pipe().endOnComplete(false).to(out).map(v -> out.getWritePos() - before);
            });
  }

  /**
   * Streams the object at {@code url} into {@code response}, passing a {@code Range} through and
   * the store's status and entity headers back.
   */
  public Future<Void> pipeTo(String url, String range, HttpServerResponse response) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url);
    if (range != null) {
      options.putHeader("Range", range);
    }
    return http.request(options)
        .compose(req -> req.send())
        .compose(
            resp -> {
              int status = resp.statusCode();
              if (status != 200 && status != 206 && status != 416) {
                return expect(resp, 200);
              }
              response.setStatusCode(status);
              for (String header :
                  List.of("Content-Length", "Content-Range", "ETag", "Last-Modified")) {
                String value = resp.getHeader(header);
                if (value != null) {
                  response.putHeader(header, value);
                }
              }
              response.putHeader("Accept-Ranges", "bytes");
              return resp.pipeTo(response);
            });
  }

  private static Future<Void> expect(HttpClientResponse resp, int status) {
    if (resp.statusCode() == status) {
      // Drain the body so the connection returns to the pool.
      return resp.body().mapEmpty();
    }
    return resp.body()
        .compose(
            body ->
                Future.failedFuture(
                    new IllegalStateException(
                        "object store answered "
                            + resp.statusCode()
                            + ": "
                            + body.toString().substring(0, Math.min(300, body.length())))));
  }

  public Future<Void> close() {
    return http.close();
  }
}
