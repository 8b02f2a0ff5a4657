package io.reelay.transcode;

import io.reelay.vod.VodObjects;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * Local copies of sources for FFmpeg, one per S3 key, shared by the jobs of a video on this node: a
 * chunk job seeks into its part of the file, so each node downloads a source once rather than once
 * per chunk. Files unused for {@link #IDLE} are swept. Blocking: worker threads only.
 *
 * <p>Why not read through a presigned URL? Every chunk job would re-open the source over HTTP and
 * seek with range requests; on a single node the store is the same disk, and a local file keeps the
 * decode path identical to the tested one.
 */
final class SourceCache {
  static final Duration IDLE = Duration.ofMinutes(30);

  private final Path dir;
  private final VodObjects objects;

  SourceCache(Path dir, VodObjects objects) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.objects = objects;
  }

  Path get(String sourceKey) throws IOException {
    Path file = file(sourceKey);
    // A concurrent download of the same key by another job ends in the same atomic rename.
    if (!Files.exists(file)) {
      Files.createDirectories(file.getParent());
      objects.download(sourceKey, file);
    }
    Files.setLastModifiedTime(file.getParent(), FileTime.from(Instant.now()));
    sweep();
    return file;
  }

  private void sweep() throws IOException {
    Instant cutoff = Instant.now().minus(IDLE);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) {
          JobRunner.deleteTree(p);
        }
      }
    }
  }

  /**
   * {@code {hash of key}/{file name of key}}: unique per key, and FFmpeg's messages (which name the
   * file) still show the name the user uploaded.
   */
  private Path file(String key) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      String base = key.substring(key.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
      if (base.isEmpty() || base.startsWith(".") || base.length() > 100) {
        base = "source";
      }
      return dir.resolve(HexFormat.of().formatHex(d, 0, 16)).resolve(base);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
