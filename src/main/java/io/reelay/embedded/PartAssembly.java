package io.reelay.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Where the embedded store writes the parts of a multipart upload so that completing it copies
 * nothing: one file per upload ({@code .mpua-<upload id>} beside the parts), part n at offset (n -
 * 1) × P, P being the size of the first part written. Parts of the usual layout (all P but the
 * last, which is smaller) then lie exactly where the object needs them, and completion renames the
 * file. A part that does not fit (larger than P, a part number already stored or being written)
 * goes to a file of its own, and completion copies the ranges instead.
 *
 * <p>The offset and P are kept in extended attributes, so a restarted process carries on.
 */
final class PartAssembly {
  private static final String PREFIX = ".mpua-";
  // Names as the attribute view takes them (it adds the "user." namespace itself).
  private static final String XATTR_PART_SIZE = "reelay.assembly-part-size";
  private static final String XATTR_OFFSET = "reelay.assembly-offset";
  // jclouds' upload ids are UUIDs; anything else is not used in a file name.
  private static final Pattern UPLOAD_ID = Pattern.compile("[0-9a-fA-F-]{1,64}");
  private static final int COPY_BUFFER = 1 << 20;

  /** One upload's assembly: its part size and the writes in progress. */
  private static final class Upload {
    final long partSize;
    int writers;
    boolean closed;

    Upload(long partSize) {
      this.partSize = partSize;
    }
  }

  private final ConcurrentHashMap<String, Upload> uploads = new ConcurrentHashMap<>();

  static Path file(Path container, String uploadId) {
    return container.resolve(PREFIX + uploadId);
  }

  /**
   * Reserves the place of part {@code number} of {@code length} bytes: its offset in the assembly
   * file (release it with {@link #done}), or -1 when the part must go to a file of its own.
   */
  long reserve(Path container, String uploadId, int number, long length) {
    if (!UPLOAD_ID.matcher(uploadId).matches() || length <= 0) {
      return -1;
    }
    Upload upload = uploads.computeIfAbsent(uploadId, id -> open(file(container, id), length));
    synchronized (upload) {
      if (upload.closed || upload.partSize <= 0 || length > upload.partSize) {
        return -1;
      }
      upload.writers++;
      return (number - 1L) * upload.partSize;
    }
  }

  void done(String uploadId) {
    Upload upload = uploads.get(uploadId);
    if (upload != null) {
      synchronized (upload) {
        upload.writers--;
      }
    }
  }

  /**
   * Whether the assembly file may become the object now: no part is being written into it, and none
   * will be (later writes of this upload go to files of their own).
   */
  boolean close(String uploadId) {
    Upload upload = uploads.get(uploadId);
    if (upload == null) {
      // Nothing was written into it by this process (a restart): no writer either.
      upload = new Upload(0);
      Upload raced = uploads.putIfAbsent(uploadId, upload);
      upload = raced == null ? upload : raced;
    }
    synchronized (upload) {
      if (upload.writers > 0) {
        return false;
      }
      upload.closed = true;
      return true;
    }
  }

  /** Drops the upload's assembly file and what is known about it. */
  void delete(Path container, String uploadId) throws IOException {
    uploads.remove(uploadId);
    if (UPLOAD_ID.matcher(uploadId).matches()) {
      Files.deleteIfExists(file(container, uploadId));
    }
  }

  /**
   * The part size of an existing assembly file (after a restart), or a new file with P = length.
   */
  private static Upload open(Path file, long length) {
    try {
      if (Files.exists(file)) {
        return new Upload(readLong(file, XATTR_PART_SIZE));
      }
      Path tmp = file.resolveSibling(file.getFileName() + "-" + UUID.randomUUID());
      Files.createFile(tmp);
      writeLong(tmp, XATTR_PART_SIZE, length);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      return new Upload(length);
    } catch (IOException | RuntimeException e) {
      return new Upload(-1);
    }
  }

  /**
   * Copies exactly {@code length} bytes (fewer if {@code in} ends first) from {@code in} into
   * {@code out} at {@code position}, in 1 MiB writes; returns the bytes copied.
   */
  static long copy(InputStream in, FileChannel out, long position, long length) throws IOException {
    byte[] buf = new byte[COPY_BUFFER];
    long written = 0;
    // Jetty hands the body over a few KiB per read: the buffer is filled before each write.
    for (int n;
        written < length
            && (n = in.readNBytes(buf, 0, (int) Math.min(buf.length, length - written))) > 0; ) {
      ByteBuffer bytes = ByteBuffer.wrap(buf, 0, n);
      while (bytes.hasRemaining()) {
        written += out.write(bytes, position + written);
      }
    }
    return written;
  }

  static long writeInto(Path container, String uploadId, InputStream in, long offset, long length)
      throws IOException {
    return DirectPartWrite.copy(in, file(container, uploadId), offset, length);
  }

  /** Marks a part file as a stand-in for the part's bytes at {@code offset} in the assembly. */
  static void markAssembled(Path partFile, long offset) throws IOException {
    writeLong(partFile, XATTR_OFFSET, offset);
  }

  /** Where the part's bytes are in the assembly file, or -1 when the part file holds them. */
  static long offsetOf(Path partFile) throws IOException {
    return readLong(partFile, XATTR_OFFSET);
  }

  /** Removes the attribute the assembly file carried, before it becomes the object. */
  static void clearPartSize(Path assembly) throws IOException {
    UserDefinedFileAttributeView view = view(assembly);
    if (view.list().contains(XATTR_PART_SIZE)) {
      view.delete(XATTR_PART_SIZE);
    }
  }

  private static UserDefinedFileAttributeView view(Path file) throws IOException {
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
    if (view == null) {
      throw new IOException("no extended attributes on " + file);
    }
    return view;
  }

  private static void writeLong(Path file, String name, long value) throws IOException {
    view(file).write(name, ByteBuffer.allocate(Long.BYTES).putLong(0, value));
  }

  private static long readLong(Path file, String name) throws IOException {
    UserDefinedFileAttributeView view = view(file);
    if (!view.list().contains(name)) {
      return -1;
    }
    ByteBuffer value = ByteBuffer.allocate(Long.BYTES);
    view.read(name, value);
    return value.flip().remaining() == Long.BYTES ? value.getLong() : -1;
  }
}
