package io.reelay.http;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * A cached media object's bytes in a file, for {@code sendfile(2)}: the kernel sends them from the
 * page cache, as nginx does, where writing them from memory costs a copy into the socket per
 * response (a quarter of the delivery process's CPU for a popular live segment, by {@code perf}).
 *
 * <p>The file is unlinked as soon as it is written and lives on as its open channel, so nothing is
 * left on disk after a crash. Responses hold it while they send; the cache that evicts it {@link
 * #discard}s it, and it closes when the last response is done.
 *
 * <p>Closing happens on a thread of its own, never on the event loop that sent last or evicted it:
 * the last close of an unlinked file on a disk file system frees its blocks through the journal and
 * waits for any writeback of its pages.
 */
public final class MediaFile {
  private static final Executor CLOSER =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "reelay-media-file-closer");
            t.setDaemon(true);
            return t;
          });

  private final FileChannel channel;
  private final long length;
  private int users;
  private boolean discarded;

  private MediaFile(FileChannel channel, long length) {
    this.channel = channel;
    this.length = length;
  }

  /** Writes {@code bytes} to a new unlinked file in {@code dir}. Blocking: off the event loop. */
  public static MediaFile write(Path dir, Buffer bytes) throws IOException {
    Files.createDirectories(dir);
    Path file = Files.createTempFile(dir, "media-", ".bin");
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } finally {
      Files.delete(file); // the open channel keeps the bytes; no name is left behind
    }
    try {
      ByteBuffer src = ((BufferInternal) bytes).getByteBuf().nioBuffer();
      while (src.hasRemaining()) {
        channel.write(src);
      }
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    return new MediaFile(channel, bytes.length());
  }

  public long length() {
    return length;
  }

  /**
   * Ends {@code response} with the whole file: by sendfile over HTTP/1.x, read into memory on a
   * worker over HTTP/2 (which Vert.x cannot sendfile). The file is held until the response is done;
   * when it is already discarded, the result is a failed future and nothing is written.
   */
  public Future<Void> send(io.vertx.core.Vertx vertx, HttpVersion version, HttpServerResponse out) {
    if (!retain()) {
      return Future.failedFuture("discarded");
    }
    Future<Void> sent =
        version == HttpVersion.HTTP_2
            ? vertx.executeBlocking(this::read, false).compose(out::end)
            : out.sendFile(channel, 0, length);
    return sent.andThen(r -> release());
  }

  /** The whole object, read from the page cache (blocking). */
  Buffer read() throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate((int) length);
    while (bytes.hasRemaining()) {
      if (channel.read(bytes, bytes.position()) < 0) {
        throw new IOException("media file shorter than " + length + " bytes");
      }
    }
    return Buffer.buffer(bytes.array());
  }

  private synchronized boolean retain() {
    if (discarded) {
      return false;
    }
    users++;
    return true;
  }

  private synchronized void release() {
    users--;
    closeIfUnused();
  }

  /** Whether its file is still open (for tests). */
  boolean open() {
    return channel.isOpen();
  }

  /** The cache no longer holds it: closes now, or when the last response sending it is done. */
  public synchronized void discard() {
    discarded = true;
    closeIfUnused();
  }

  private void closeIfUnused() {
    if (discarded && users == 0 && channel.isOpen()) {
      CLOSER.execute(
          () -> {
            try {
              channel.close();
            } catch (IOException e) {
              throw new UncheckedIOException(e); // closing an open file does not fail in practice
            }
          });
    }
  }
}
