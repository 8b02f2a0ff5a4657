package io.reelay.embedded;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a part body into a file with direct I/O ({@code O_DIRECT}): whole blocks go from an
 * aligned buffer to the disk, bypassing the page cache. A part is written once and read later by
 * one sequential pass (the transcode's download), so caching it buys nothing, and a buffered write
 * costs a kernel copy into freshly allocated page-cache pages for every byte: on the benchmark box
 * that copy was 42 % of the server's CPU samples during an upload (`perf`), and {@code dd} wrote 98
 * MB/s buffered into new pages against 590 MB/s direct. The bytes after the last whole block (the
 * end of an odd-sized last part) are written through the page cache. Where direct I/O is not
 * possible (a file system without it, such as tmpfs, or an unaligned offset) everything is
 * buffered, as before.
 */
final class DirectPartWrite {
  private static final Logger LOG = LoggerFactory.getLogger(DirectPartWrite.class);
  // Each write call waits for the disk, so steps are large; 1 MiB ran at the disk's speed.
  private static final int STEP = 1 << 20;
  // Aligned buffers outlive a part (allocating direct memory per part is slow and only freed by
  // GC); a few cover the parts written at once, more are allocated and dropped.
  private static final BlockingQueue<ByteBuffer> SPARE = new ArrayBlockingQueue<>(4);
  private static volatile boolean unsupportedLogged;

  private DirectPartWrite() {}

  /**
   * Copies exactly {@code length} bytes (fewer if {@code in} ends first) from {@code in} into the
   * existing {@code file} at {@code position}; returns the bytes copied.
   */
  static long copy(InputStream in, Path file, long position, long length) throws IOException {
    long block = Files.getFileStore(file).getBlockSize();
    if (block <= 0 || block > 65536 || position % block != 0) {
      return buffered(in, file, position, length);
    }
    FileChannel direct;
    try {
      direct =
          FileChannel.open(file, StandardOpenOption.WRITE, (OpenOption) ExtendedOpenOption.DIRECT);
    } catch (IOException | UnsupportedOperationException e) {
      if (!unsupportedLogged) {
        unsupportedLogged = true;
        LOG.info("embedded S3: no direct I/O on {} ({}), parts go through the page cache", file, e);
      }
      return buffered(in, file, position, length);
    }
    ByteBuffer buf = take((int) block);
    byte[] heap = new byte[STEP];
    long written = 0;
    try (direct) {
      while (written < length) {
        int n = in.readNBytes(heap, 0, (int) Math.min(STEP, length - written));
        if (n <= 0) {
          break;
        }
        int whole = (int) (n - n % block);
        if (whole > 0) {
          buf.clear();
          buf.put(heap, 0, whole).flip();
          while (buf.hasRemaining()) {
            direct.write(buf, position + written + buf.position());
          }
        }
        if (whole < n) {
          // Only at the end of the body: the rest of a block cannot be written directly.
          try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer rest = ByteBuffer.wrap(heap, whole, n - whole);
            while (rest.hasRemaining()) {
              out.write(rest, position + written + rest.position());
            }
          }
        }
        written += n;
      }
    } finally {
      SPARE.offer(buf);
    }
    return written;
  }

  /** The page-cache path: the same copy with plain positional writes. */
  private static long buffered(InputStream in, Path file, long position, long length)
      throws IOException {
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
      return PartAssembly.copy(in, out, position, length);
    }
  }

  /** An aligned buffer of {@link #STEP} bytes. */
  private static ByteBuffer take(int alignment) {
    ByteBuffer spare = SPARE.poll();
    if (spare != null && spare.capacity() == STEP && isAligned(spare, alignment)) {
      return spare;
    }
    return ByteBuffer.allocateDirect(STEP + alignment).alignedSlice(alignment).limit(STEP).slice();
  }

  private static boolean isAligned(ByteBuffer buf, int alignment) {
    return buf.alignmentOffset(0, alignment) == 0;
  }
}
