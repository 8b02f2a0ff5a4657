package io.reelay.upload;

import io.minio.http.Method;
import io.reelay.storage.ObjectTransfer;
import io.reelay.upload.UploadState.StoredPart;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.streams.ReadStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one request body into an upload's S3 multipart upload, with bounded memory whatever the
 * size. When the body's declared length says it carries a whole part (or the upload's last bytes),
 * that part streams from the request straight into its S3 part PUT and touches no disk: if the body
 * breaks before the part is whole, S3 keeps nothing of it (it takes a part whole or not at all) and
 * neither do we, so the offset stays at the last part committed and the client resends from there
 * (tus lets a server keep less than it received; HEAD tells the client). Otherwise (the first part
 * when a tail must be prepended, the body's last partial part, bodies of unknown length) bytes go
 * to a part file on disk (at most 256 KiB gathered in memory before each file write), a full part
 * file is sent to S3 while the next one fills, and the body is paused if that next one fills first;
 * at most one part waits on disk besides the one in flight. The previous request's tail (bytes
 * after the last part, kept as a temporary object) is prepended first.
 *
 * <p>Only durable bytes count: without a checksum, each part sent is committed to Redis at once,
 * and whatever is left in the part file when the body ends or breaks is stored as the new tail
 * object before the offset moves. With {@code Upload-Checksum}, nothing is committed until the
 * whole body is there and matches, so a mismatch leaves the upload as it was (the parts sent
 * meanwhile are replaced by the next attempt, which reuses their part numbers).
 *
 * <p>Everything here runs on the request's event loop; S3 and file I/O are asynchronous.
 */
final class PartWriter {
  private static final Logger LOG = LoggerFactory.getLogger(PartWriter.class);
  private static final Duration URL_VALIDITY = Duration.ofHours(1);
  // HTTP bodies arrive in chunks of a few KiB; one file write per chunk would hand tens of
  // thousands of tiny tasks to the worker pool per GB, so chunks are gathered up to this first.
  private static final int STAGE_BYTES = 256 * 1024;
  // A file's default write queue (128 KiB) is full after every staged block, so the body would
  // pause until a worker thread ran each write; a few blocks in flight keep it moving.
  private static final int FILE_QUEUE_BYTES = 4 * STAGE_BYTES;

  /** How a write ended. */
  enum Outcome {
    /** The body ended; its bytes are durable. */
    STORED,
    /** The last byte of the upload is in S3 and committed: completion comes next. */
    COMPLETE,
    CHECKSUM_MISMATCH,
    /**
     * The client went away; what is in a part file is kept (unless a checksum was promised), a part
     * streaming straight to S3 is dropped.
     */
    INTERRUPTED,
    /** The body went past the declared length or the maximum size; what fit is kept. */
    TOO_LARGE,
    /** Fewer bytes than the minimum arrived within the stall timeout. */
    STALLED,
    /** Another writer took the upload over. */
    LOCK_LOST
  }

  record Result(UploadState state, Outcome outcome) {}

  private final UploadServices services;
  private final UploadLock lock;
  private final ReadStream<Buffer> body;
  private final UploadChecksum checksum;
  private final boolean endDefinesLength;
  private final long partSize;
  private final long maxBytes;
  private final Promise<Result> result = Promise.promise();
  private final List<StoredPart> parts;
  private final List<Path> files = new ArrayList<>();
  // The body's declared length (Content-Length), or -1 when unknown.
  private final long bodyLength;

  // A part streamed straight from the body into S3 (no disk copy), while its bytes are being
  // written.
  private HttpClientRequest direct;
  private long directLeft;
  private int directNumber;
  private long directSize;
  // Bytes of the upload covered by the parts started so far (sent or in flight).
  private long started;
  // The uploads chain up to the part before the last one: a new part waits for it, so at most two
  // parts are in flight at once.
  private Future<Void> beforeLast = Future.succeededFuture();
  // Opened ahead so that part boundaries cost no pause: the next streamed part's PUT (with its
  // number and size).
  private Future<HttpClientRequest> prepared;
  private int preparedNumber;
  private long preparedSize;

  private UploadState state;
  private int nextPart;
  private Path path;
  private AsyncFile file;
  private long fileSize;
  private Future<Void> uploads = Future.succeededFuture();
  private Promise<Void> rotation;
  private Buffer pending;
  private Buffer staged = Buffer.buffer(STAGE_BYTES);
  private long received;
  private long lastTick;
  private long stallTimer = -1;
  private boolean pausedByUs;
  private boolean finishing;
  private Outcome interruption;
  private Throwable failure;

  /**
   * @param state the committed state; the body (paused by the caller) continues at its offset
   * @param endDefinesLength the end of the body is the end of the upload (plain POST)
   * @param bodyLength the body's declared length, or -1 when it is not known in advance
   */
  PartWriter(
      UploadServices services,
      UploadLock lock,
      UploadState state,
      ReadStream<Buffer> body,
      UploadChecksum checksum,
      boolean endDefinesLength,
      long bodyLength) {
    this.services = services;
    this.lock = lock;
    this.state = state;
    this.body = body;
    this.checksum = checksum;
    this.endDefinesLength = endDefinesLength;
    this.partSize = services.settings.partSize();
    long limit = state.lengthKnown() ? state.length() : services.settings.maxSize();
    this.maxBytes = limit - state.offset();
    this.parts = new ArrayList<>(state.parts());
    this.nextPart = parts.size() + 1;
    this.started = parts.stream().mapToLong(StoredPart::size).sum();
    this.bodyLength = bodyLength;
  }

  Future<Result> run() {
    openFile()
        .compose(v -> state.tailKey() == null ? Future.succeededFuture() : loadTail())
        .onSuccess(v -> start())
        .onFailure(
            err -> {
              deleteFiles();
              result.fail(err);
            });
    return result.future();
  }

  private void start() {
    body.handler(this::onData);
    body.endHandler(v -> finish(true));
    body.exceptionHandler(err -> stop(Outcome.INTERRUPTED));
    lock.onLost(() -> stop(Outcome.LOCK_LOST));
    long stallMs = services.settings.stallTimeout().toMillis();
    stallTimer = services.vertx.setPeriodic(stallMs, t -> checkStall());
    body.resume();
  }

  private void checkStall() {
    long moved = received - lastTick;
    lastTick = received;
    if (!pausedByUs && moved < services.settings.stallMinBytes()) {
      LOG.info(
          "upload {}: {} bytes in {}, cutting the connection",
          state.id(),
          moved,
          services.settings.stallTimeout());
      stop(Outcome.STALLED);
    }
  }

  /** Opens a fresh, empty part file. */
  private Future<Void> openFile() {
    Path next = services.tmpDir.resolve(UUID.randomUUID() + ".part");
    files.add(next);
    return services
        .vertx
        .fileSystem()
        .mkdirs(services.tmpDir.toString())
        .compose(
            v ->
                services
                    .vertx
                    .fileSystem()
                    .open(
                        next.toString(),
                        new OpenOptions().setWrite(true).setCreateNew(true).setRead(false)))
        .map(
            opened -> {
              opened.setWriteQueueMaxSize(FILE_QUEUE_BYTES);
              opened.exceptionHandler(
                  err -> {
                    failure = err;
                    stop(Outcome.INTERRUPTED);
                  });
              file = opened;
              path = next;
              fileSize = 0;
              return null;
            });
  }

  private Future<Void> loadTail() {
    return services
        .store
        .presign(Method.GET, state.tailKey(), Map.of(), URL_VALIDITY)
        .compose(url -> services.transfer.appendTo(url, file))
        .compose(
            n -> {
              if (n != state.tailSize()) {
                return Future.failedFuture(
                    new IllegalStateException(
                        "tail of upload "
                            + state.id()
                            + " has "
                            + n
                            + " bytes, expected "
                            + state.tailSize()));
              }
              fileSize = n;
              return Future.succeededFuture();
            });
  }

  private void onData(Buffer buf) {
    if (finishing) {
      return;
    }
    long room = maxBytes - received;
    boolean tooMuch = buf.length() > room;
    Buffer accepted = tooMuch ? buf.slice(0, (int) room) : buf;
    received += accepted.length();
    if (checksum != null) {
      checksum.update(accepted);
    }
    append(accepted);
    if (tooMuch) {
      stop(Outcome.TOO_LARGE);
    }
  }

  private void append(Buffer buf) {
    int pos = 0;
    while (pos < buf.length()) {
      if (rotation != null) {
        Buffer rest = buf.slice(pos, buf.length()).copy();
        pending = pending == null ? rest : pending.appendBuffer(rest);
        return;
      }
      if (direct != null) {
        int n = (int) Math.min(directLeft, buf.length() - pos);
        direct.write(buf.slice(pos, pos + n));
        directLeft -= n;
        pos += n;
        if (directLeft == 0) {
          endDirect();
        }
        continue;
      }
      if (fileSize == 0) {
        long whole = directPartSize();
        if (whole > 0) {
          startPart(whole);
          continue;
        }
      }
      int n = (int) Math.min(partSize - fileSize, buf.length() - pos);
      staged.appendBuffer(buf, pos, n);
      fileSize += n;
      pos += n;
      if (fileSize == partSize) {
        flush();
        rotate();
      } else if (staged.length() >= STAGE_BYTES) {
        flush();
      }
    }
    if (rotation == null
        && (file.writeQueueFull() || (direct != null && direct.writeQueueFull()))) {
      // Resumed once both the file and the S3 connection have room.
      pause();
      file.drainHandler(v -> resumeIfIdle());
      if (direct != null) {
        direct.drainHandler(v -> resumeIfIdle());
      }
    }
  }

  /**
   * The size of the next part (from upload offset {@code started}) to stream straight to S3, or 0
   * when the body does not carry it whole (unknown length, or it ends sooner) and it must go
   * through the part file.
   */
  private long directPartSize() {
    if (bodyLength < 0 || endDefinesLength) {
      return 0;
    }
    long limit = state.lengthKnown() ? state.length() : services.settings.maxSize();
    long size = Math.min(partSize, limit - started);
    // The body starts at the committed offset and declares its length.
    long bodyEnd = state.offset() + bodyLength;
    return size > 0 && bodyEnd - started >= size ? size : 0;
  }

  /** Starts a part that streams straight to S3: the body waits until its PUT is open. */
  private void startPart(long size) {
    rotation = Promise.promise();
    pause();
    int number = nextPart++;
    started += size;
    Future<HttpClientRequest> put;
    if (prepared != null && preparedNumber == number && preparedSize == size) {
      put = prepared;
      prepared = null;
    } else {
      dropPrepared();
      put = openPartPut(beforeLast, number, size);
    }
    put.onComplete(
        ar -> {
          if (ar.succeeded()) {
            prepareNext();
            direct = ar.result();
            directLeft = size;
            directNumber = number;
            directSize = size;
            direct.exceptionHandler(
                err -> {
                  if (failure == null) {
                    failure = err;
                  }
                  stop(Outcome.INTERRUPTED);
                });
          }
          endRotation(ar.mapEmpty());
        });
  }

  /** The S3 PUT of part {@code number}, opened once the uploads before it allow (two in flight). */
  private Future<HttpClientRequest> openPartPut(Future<Void> gate, int number, long size) {
    Map<String, String> query =
        Map.of("uploadId", state.s3UploadId(), "partNumber", String.valueOf(number));
    return gate.compose(
            v -> services.store.presign(Method.PUT, state.sourceKey(), query, URL_VALIDITY))
        .compose(url -> services.transfer.openPut(url, size));
  }

  /**
   * While a part streams, opens the next one's PUT once the part before the current one is done
   * (the current one is not ended yet, so that is {@code uploads}).
   */
  private void prepareNext() {
    long size = directPartSize();
    if (size > 0 && prepared == null) {
      preparedNumber = nextPart;
      preparedSize = size;
      prepared = openPartPut(uploads, nextPart, size);
    }
  }

  /** A PUT opened ahead but not needed: its connection goes back to the pool. */
  private void dropPrepared() {
    if (prepared != null) {
      prepared.onSuccess(
          put -> {
            put.exceptionHandler(err -> {});
            put.reset();
          });
      prepared = null;
    }
  }

  /** Every byte of the streamed part is written: its ETag is committed once S3 answers. */
  private void endDirect() {
    HttpClientRequest put = direct;
    int number = directNumber;
    long size = directSize;
    direct = null;
    put.end();
    Future<String> etag = ObjectTransfer.etag(put);
    beforeLast = uploads;
    uploads =
        Future.all(uploads, etag)
            .compose(
                v -> {
                  parts.add(new StoredPart(number, etag.result(), size));
                  return checksum == null
                      ? commit(null, 0, state.length())
                      : Future.<Void>succeededFuture();
                });
    uploads.onFailure(
        err -> {
          failure = err;
          stop(Outcome.INTERRUPTED);
        });
  }

  /**
   * A streamed part cut short: S3 keeps nothing of it and there is no copy, so its bytes are lost
   * and the offset stays at the parts before it; the client resends them.
   */
  private void abandonDirect() {
    if (direct != null) {
      // Our own reset is no failure.
      direct.exceptionHandler(err -> {});
      direct.reset();
      direct = null;
    }
  }

  /** Hands the staged bytes to the part file. */
  private void flush() {
    if (staged.length() > 0) {
      file.write(staged);
      staged = Buffer.buffer(STAGE_BYTES);
    }
  }

  private void pause() {
    pausedByUs = true;
    body.pause();
  }

  private void resumeIfIdle() {
    if (!finishing
        && rotation == null
        && !file.writeQueueFull()
        && (direct == null || !direct.writeQueueFull())) {
      pausedByUs = false;
      body.resume();
    }
  }

  /** The part file is full: send it, and open the next one once the previous part is sent. */
  private void rotate() {
    rotation = Promise.promise();
    pause();
    Path fullPath = path;
    int number = nextPart++;
    started += partSize;
    Future<Void> closed = file.close();
    Future<Void> ready = Future.all(closed, uploads).mapEmpty();
    beforeLast = uploads;
    uploads =
        ready
            .compose(v -> uploadPart(fullPath, number, partSize))
            .compose(v -> checksum == null ? commit(null, 0, state.length()) : ready);
    uploads.onFailure(
        err -> {
          failure = err;
          stop(Outcome.INTERRUPTED);
        });
    ready.compose(v -> openFile()).onComplete(this::endRotation);
  }

  /** The body may flow again: the bytes that arrived meanwhile are placed first. */
  private void endRotation(io.vertx.core.AsyncResult<Void> ar) {
    Promise<Void> done = rotation;
    rotation = null;
    if (ar.succeeded()) {
      Buffer rest = pending;
      pending = null;
      if (rest != null && !finishing) {
        append(rest);
      }
    } else if (failure == null) {
      failure = ar.cause();
    }
    done.complete();
    if (ar.succeeded()) {
      resumeIfIdle();
    } else {
      stop(Outcome.INTERRUPTED);
    }
  }

  private Future<Void> uploadPart(Path file, int number, long size) {
    Map<String, String> query =
        Map.of("uploadId", state.s3UploadId(), "partNumber", String.valueOf(number));
    return services
        .store
        .presign(Method.PUT, state.sourceKey(), query, URL_VALIDITY)
        .compose(url -> services.transfer.putFile(services.vertx, url, file, size))
        .<Void>map(
            etag -> {
              parts.add(new StoredPart(number, etag, size));
              return null;
            })
        .eventually(() -> services.vertx.fileSystem().delete(file.toString()).recover(e -> null));
  }

  /** Commits the parts so far plus an optional tail; drops the previous tail object. */
  private Future<Void> commit(String tailKey, long tailSize, long length) {
    Instant now = services.clock.instant();
    UploadState next =
        state
            .withLength(length)
            .withProgress(parts, tailKey, tailSize, now.plus(services.settings.expiry()));
    // A complete upload is looked at again soon in case its completion is interrupted.
    Instant due = next.bytesComplete() ? now.plusSeconds(30) : next.expiresAt();
    String oldTail = state.tailKey();
    return services
        .states
        .commit(next, lock, due)
        .compose(
            committed -> {
              state = committed;
              if (oldTail == null || oldTail.equals(tailKey)) {
                return Future.succeededFuture();
              }
              // A tail left behind is harmless: the upload's temporary prefix is cleared at the
              // end.
              return services.store.delete(oldTail).otherwiseEmpty().mapEmpty();
            });
  }

  /** Stops reading early; what arrived is settled as {@link #finish} decides. */
  void stop(Outcome why) {
    if (finishing) {
      return;
    }
    interruption = why;
    body.pause();
    finish(false);
  }

  private void finish(boolean ended) {
    if (finishing) {
      return;
    }
    finishing = true;
    if (stallTimer >= 0) {
      services.vertx.cancelTimer(stallTimer);
    }
    Future<Void> settled = rotation == null ? Future.succeededFuture() : rotation.future();
    settled
        .compose(
            v -> {
              abandonDirect();
              dropPrepared();
              flush();
              return file.close().otherwiseEmpty();
            })
        .transform(v -> uploads)
        .compose(v -> failure != null ? Future.failedFuture(failure) : conclude(ended))
        .onComplete(
            ar -> {
              deleteFiles();
              if (ar.succeeded()) {
                result.complete(ar.result());
              } else {
                result.fail(ar.cause());
              }
            });
  }

  private Future<Result> conclude(boolean ended) {
    Outcome stopped = interruption == null ? Outcome.STORED : interruption;
    if (checksum != null) {
      // A body that cannot be verified is discarded whole; nothing was committed yet.
      if (!ended || interruption != null) {
        return Future.succeededFuture(new Result(state, stopped));
      }
      if (!checksum.matches()) {
        return Future.succeededFuture(new Result(state, Outcome.CHECKSUM_MISMATCH));
      }
    }
    long total = parts.stream().mapToLong(StoredPart::size).sum() + fileSize;
    long length = endDefinesLength && ended && interruption == null ? total : state.length();
    if (length >= 0 && total == length) {
      Future<Void> last =
          fileSize > 0 ? uploadPart(path, nextPart, fileSize) : Future.succeededFuture();
      return last.compose(v -> commit(null, 0, length))
          .map(v -> new Result(state, Outcome.COMPLETE));
    }
    if (total == state.offset() && parts.size() == state.parts().size()) {
      return Future.succeededFuture(new Result(state, stopped));
    }
    if (fileSize == 0) {
      return commit(null, 0, length).map(v -> new Result(state, stopped));
    }
    String tailKey = UploadState.tempPrefix(state.id()) + "tail-" + UUID.randomUUID();
    return services
        .store
        .presign(Method.PUT, tailKey, Map.of(), URL_VALIDITY)
        .compose(url -> services.transfer.putFile(services.vertx, url, path, fileSize))
        .compose(etag -> commit(tailKey, fileSize, length))
        .map(v -> new Result(state, stopped));
  }

  private void deleteFiles() {
    for (Path p : files) {
      services.vertx.fileSystem().delete(p.toString()).otherwiseEmpty();
    }
  }
}
