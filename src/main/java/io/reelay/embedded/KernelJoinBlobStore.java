package io.reelay.embedded;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import com.google.common.io.BaseEncoding;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.domain.MultipartPart;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.jclouds.blobstore.util.ForwardingBlobStore;
import org.jclouds.io.ContentMetadata;
import org.jclouds.io.Payload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded store's multipart uploads, made cheaper than jclouds' filesystem backend makes them.
 *
 * <p>Parts: the backend writes a part through an MD5 pass (its ETag) in 8 KiB steps. A part PUT
 * that sends {@code Content-MD5} still goes that way, so it is verified and gets S3's MD5 ETag; one
 * without (Reelay's presigned part PUTs, browsers, the MinIO SDK) is written in 1 MiB steps without
 * hashing and gets a random 128-bit ETag naming that write, as S3 gives non-MD5 ETags to encrypted
 * objects. The ETag is stored where the backend keeps it, so listing the parts and completing the
 * upload see the same value, and the object's multipart ETag keeps S3's form. Such a part's bytes
 * go where the object will need them, into the upload's {@link PartAssembly} file, and its part
 * file is a sparse stand-in of the right size carrying the ETag and the offset.
 *
 * <p>Completion: jclouds' backend joins the parts by streaming every byte through the JVM into a
 * new file (4.6–6.4 s per GiB on a busy 2-core box), and the last tus PATCH of an upload waits for
 * that. Here, when every part lies in place in the assembly file, that file becomes the object (a
 * rename: nothing is copied); otherwise the parts' byte ranges are concatenated with {@link
 * FileChannel#transferTo} ({@code copy_file_range} on Linux). Either way the object carries the
 * extended attributes the backend writes, so it reads back exactly as a blob the backend joined
 * itself (multipart ETag, type, user metadata). Parts the backend wrote itself and laid out
 * otherwise than expected fall back to the backend's own join; assembled ones never do (it would
 * read the stand-ins).
 */
final class KernelJoinBlobStore extends ForwardingBlobStore {
  private static final Logger LOG = LoggerFactory.getLogger(KernelJoinBlobStore.class);

  /** jclouds' LocalBlobStore names a part {@code .mpus-<upload id>-<key>-<part number>}. */
  private static final String MULTIPART_PREFIX = ".mpus-";

  // The attribute names jclouds' FilesystemStorageStrategyImpl reads back.
  private static final String XATTR_CACHE_CONTROL = "user.cache-control";
  private static final String XATTR_CONTENT_DISPOSITION = "user.content-disposition";
  private static final String XATTR_CONTENT_ENCODING = "user.content-encoding";
  private static final String XATTR_CONTENT_LANGUAGE = "user.content-language";
  private static final String XATTR_CONTENT_MD5 = "user.content-md5";
  private static final String XATTR_CONTENT_TYPE = "user.content-type";
  private static final String XATTR_EXPIRES = "user.expires";
  private static final String XATTR_STORAGE_TIER = "user.storage-tier";
  private static final String XATTR_USER_METADATA_PREFIX = "user.user-metadata.";

  private static final SecureRandom ETAGS = new SecureRandom();

  private final Path baseDir;
  private final java.util.concurrent.atomic.AtomicInteger kernelJoins =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger joinsInPlace =
      new java.util.concurrent.atomic.AtomicInteger();
  private final PartAssembly assembly = new PartAssembly();
  // Part numbers being written now ("upload id/number").
  private final java.util.Set<String> writing = java.util.concurrent.ConcurrentHashMap.newKeySet();

  KernelJoinBlobStore(BlobStore backend, Path baseDir) {
    super(backend);
    this.baseDir = baseDir.toAbsolutePath().normalize();
  }

  @Override
  public MultipartPart uploadMultipartPart(MultipartUpload mpu, int partNumber, Payload payload) {
    ContentMetadata content = payload.getContentMetadata();
    Long length = content.getContentLength();
    Path container = baseDir.resolve(mpu.containerName()).normalize();
    Path file = container.resolve(partName(mpu, partNumber)).normalize();
    if (content.getContentMD5AsHashCode() != null
        || length == null
        || !file.startsWith(container)
        || !Files.isDirectory(container)) {
      return super.uploadMultipartPart(mpu, partNumber, payload);
    }
    // The backend's name for a part being written: a crash leaves it for EmbeddedS3 to drop.
    Path tmp = file.resolveSibling(file.getFileName() + "-" + UUID.randomUUID());
    byte[] eTag = new byte[16];
    ETAGS.nextBytes(eTag);
    // A part number stored (or being stored) already is written on its own: rewriting its place
    // in the assembly could spoil the stored bytes if this write broke off.
    String claim = mpu.id() + "/" + partNumber;
    boolean first = writing.add(claim);
    long offset = -1;
    try {
      Files.createDirectories(file.getParent());
      if (first && !Files.exists(file)) {
        offset = assembly.reserve(container, mpu.id(), partNumber, length);
      }
      long written;
      try (InputStream in = payload.openStream()) {
        if (offset >= 0) {
          written = PartAssembly.writeInto(container, mpu.id(), in, offset, length);
          // The part file stands in for the bytes: sparse, of their size (listing reads it).
          try (RandomAccessFile stub = new RandomAccessFile(tmp.toFile(), "rw")) {
            stub.setLength(written);
          }
        } else {
          Files.createFile(tmp);
          written = DirectPartWrite.copy(in, tmp, 0, length);
        }
      }
      if (written != length) {
        throw new IOException("part has " + written + " bytes, Content-Length " + length);
      }
      UserDefinedFileAttributeView view =
          Files.getFileAttributeView(tmp, UserDefinedFileAttributeView.class);
      if (view == null) {
        throw new IOException("no extended attributes on " + tmp);
      }
      view.write(XATTR_CONTENT_MD5, ByteBuffer.wrap(eTag));
      if (offset >= 0) {
        PartAssembly.markAssembled(tmp, offset);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return MultipartPart.create(
          partNumber, written, BaseEncoding.base16().lowerCase().encode(eTag), new Date());
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // EmbeddedS3 drops such leftovers when it starts.
      }
      throw new UncheckedIOException(e);
    } finally {
      if (offset >= 0) {
        assembly.done(mpu.id());
      }
      if (first) {
        writing.remove(claim);
      }
      payload.release();
    }
  }

  /** Bytes of a part: a range of its own file or of the upload's assembly file. */
  private record Range(Path file, long offset, long size) {}

  @Override
  public String completeMultipartUpload(MultipartUpload mpu, List<MultipartPart> parts) {
    Path container = baseDir.resolve(mpu.containerName()).normalize();
    Path target = container.resolve(mpu.blobName()).normalize();
    Path assembled = PartAssembly.file(container, mpu.id());
    List<Range> ranges = new ArrayList<>(parts.size());
    boolean anyAssembled = false;
    boolean inPlace = !parts.isEmpty();
    long total = 0;
    try {
      for (MultipartPart part : parts) {
        Path file = container.resolve(partName(mpu, part.partNumber())).normalize();
        if (!file.startsWith(container) || !Files.isRegularFile(file)) {
          return backendJoin(mpu, parts, assembled);
        }
        long size = Files.size(file);
        long offset = PartAssembly.offsetOf(file);
        if (offset >= 0) {
          anyAssembled = true;
          ranges.add(new Range(assembled, offset, size));
          inPlace &= offset == total;
        } else {
          inPlace = false;
          ranges.add(new Range(file, 0, size));
        }
        total += size;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!target.startsWith(container) || parts.isEmpty()) {
      return backendJoin(mpu, parts, assembled);
    }
    String eTag = multipartETag(mpu, parts);
    Path tmp = target.resolveSibling(target.getFileName() + "-" + UUID.randomUUID());
    try {
      Files.createDirectories(target.getParent());
      if (inPlace && assembly.close(mpu.id())) {
        // Every part already lies where the object needs it: the assembly file becomes the object.
        try (FileChannel out = FileChannel.open(assembled, StandardOpenOption.WRITE)) {
          out.truncate(total);
        }
        PartAssembly.clearPartSize(assembled);
        writeAttributes(assembled, mpu, eTag);
        Files.move(
            assembled, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        joinsInPlace.incrementAndGet();
      } else {
        try (FileChannel out =
            FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          for (Range range : ranges) {
            try (FileChannel in = FileChannel.open(range.file(), StandardOpenOption.READ)) {
              long done = 0;
              while (done < range.size()) {
                done += in.transferTo(range.offset() + done, range.size() - done, out);
              }
            }
          }
        }
        writeAttributes(tmp, mpu, eTag);
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // The backend's own join below writes a fresh temporary file anyway.
      }
      if (anyAssembled) {
        // The backend would read the stand-in part files: zeros. Better no object.
        throw new IllegalStateException("joining the parts of " + mpu.blobName() + " failed", e);
      }
      LOG.warn("kernel join of {} failed ({}); using the backend's join", mpu.blobName(), e);
      return super.completeMultipartUpload(mpu, parts);
    }
    for (MultipartPart part : parts) {
      delegate().removeBlob(mpu.containerName(), partName(mpu, part.partNumber()));
    }
    delegate()
        .removeBlob(
            mpu.containerName(), MULTIPART_PREFIX + mpu.id() + "-" + mpu.blobName() + "-stub");
    dropAssembly(container, mpu);
    kernelJoins.incrementAndGet();
    if (mpu.putOptions() != null) {
      delegate()
          .setBlobAccess(mpu.containerName(), mpu.blobName(), mpu.putOptions().getBlobAccess());
    }
    return eTag;
  }

  /** The backend's own join, for parts it wrote itself (never for stand-ins of assembled parts). */
  private String backendJoin(MultipartUpload mpu, List<MultipartPart> parts, Path assembled) {
    if (Files.exists(assembled)) {
      throw new IllegalStateException("parts of " + mpu.blobName() + " are not all in place");
    }
    return super.completeMultipartUpload(mpu, parts);
  }

  @Override
  public void abortMultipartUpload(MultipartUpload mpu) {
    super.abortMultipartUpload(mpu);
    dropAssembly(baseDir.resolve(mpu.containerName()).normalize(), mpu);
  }

  private void dropAssembly(Path container, MultipartUpload mpu) {
    try {
      assembly.delete(container, mpu.id());
    } catch (IOException e) {
      LOG.warn("could not delete the assembly of {}: {}", mpu.blobName(), e.toString());
    }
  }

  /** How many completions made the assembly file the object, copying nothing. */
  int joinsInPlace() {
    return joinsInPlace.get();
  }

  /** How many completions took the kernel path (the rest fell back to the backend's join). */
  int kernelJoins() {
    return kernelJoins.get();
  }

  private static String partName(MultipartUpload mpu, int partNumber) {
    return MULTIPART_PREFIX + mpu.id() + "-" + mpu.blobName() + "-" + partNumber;
  }

  /** S3's multipart ETag: the MD5 of the parts' binary MD5s, then "-" and the part count. */
  private String multipartETag(MultipartUpload mpu, List<MultipartPart> parts) {
    Hasher md5 = Hashing.md5().newHasher();
    for (MultipartPart part : parts) {
      BlobMetadata meta =
          delegate().blobMetadata(mpu.containerName(), partName(mpu, part.partNumber()));
      if (meta == null || meta.getETag() == null) {
        throw new IllegalStateException("part " + part.partNumber() + " has no ETag");
      }
      md5.putBytes(BaseEncoding.base16().lowerCase().decode(unquote(meta.getETag())));
    }
    return "\"" + md5.hash() + "-" + parts.size() + "\"";
  }

  private static String unquote(String eTag) {
    return eTag.startsWith("\"") && eTag.endsWith("\"") && eTag.length() > 1
        ? eTag.substring(1, eTag.length() - 1)
        : eTag;
  }

  private static void writeAttributes(Path file, MultipartUpload mpu, String eTag)
      throws IOException {
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
    if (view == null) {
      throw new IOException("no extended attributes on " + file);
    }
    // A non-16-byte content-md5 is how the backend recognises a multipart ETag when reading.
    view.write(XATTR_CONTENT_MD5, ByteBuffer.wrap(eTag.getBytes(StandardCharsets.US_ASCII)));
    BlobMetadata meta = mpu.blobMetadata();
    ContentMetadata content = meta == null ? null : meta.getContentMetadata();
    if (content != null) {
      writeIfPresent(view, XATTR_CACHE_CONTROL, content.getCacheControl());
      writeIfPresent(view, XATTR_CONTENT_DISPOSITION, content.getContentDisposition());
      writeIfPresent(view, XATTR_CONTENT_ENCODING, content.getContentEncoding());
      writeIfPresent(view, XATTR_CONTENT_LANGUAGE, content.getContentLanguage());
      writeIfPresent(view, XATTR_CONTENT_TYPE, content.getContentType());
      if (content.getExpires() != null) {
        view.write(
            XATTR_EXPIRES,
            ByteBuffer.allocate(Long.BYTES).putLong(0, content.getExpires().getTime()));
      }
    }
    String tier = meta == null || meta.getTier() == null ? "STANDARD" : meta.getTier().toString();
    writeIfPresent(view, XATTR_STORAGE_TIER, tier);
    if (meta != null && meta.getUserMetadata() != null) {
      for (Map.Entry<String, String> e : meta.getUserMetadata().entrySet()) {
        writeIfPresent(view, XATTR_USER_METADATA_PREFIX + e.getKey(), e.getValue());
      }
    }
  }

  private static void writeIfPresent(UserDefinedFileAttributeView view, String name, String value)
      throws IOException {
    if (value != null) {
      view.write(name, ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
    }
  }
}
