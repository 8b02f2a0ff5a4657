package io.reelay.embedded;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.ObjectWriteResponse;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelJoinBlobStoreTest {
  private static final int PART = 5 * 1024 * 1024;

  @Test
  @DisplayName("a multipart upload completes byte-identical, with S3's ETag, type and metadata")
  void joinsPartsAsTheBackendWould(@TempDir Path dir) throws Exception {
    byte[] data = new byte[2 * PART + 123_457];
    new Random(7).nextBytes(data);
    try (EmbeddedS3 s3 = EmbeddedS3.start(dir, 0, "access", "secret-key-123")) {
      s3.ensureBucket("media");
      MinioClient client =
          MinioClient.builder()
              .endpoint(s3.endpoint())
              .credentials("access", "secret-key-123")
              .region("us-east-1")
              .build();
      // Known size above the part size: the SDK uploads three parts and completes them.
      ObjectWriteResponse put =
          client.putObject(
              PutObjectArgs.builder().bucket("media").object("uploads/v1/source").stream(
                      new ByteArrayInputStream(data), data.length, PART)
                  .contentType("video/mp4")
                  .userMetadata(Map.of("title", "holiday"))
                  .build());

      String expected = multipartETag(data, PART);
      StatObjectResponse stat =
          client.statObject(
              StatObjectArgs.builder().bucket("media").object("uploads/v1/source").build());
      assertEquals(1, s3.kernelJoins(), "joined in the kernel, not by the fallback");
      assertEquals(expected, unquote(put.etag()));
      assertEquals(expected, unquote(stat.etag()));
      assertEquals(data.length, stat.size());
      assertEquals("video/mp4", stat.contentType());
      assertEquals("holiday", stat.userMetadata().get("title"));
      try (InputStream in =
          client.getObject(
              GetObjectArgs.builder().bucket("media").object("uploads/v1/source").build())) {
        assertArrayEquals(data, in.readAllBytes());
      }
      try (Stream<Path> files = Files.walk(dir)) {
        assertTrue(
            files.noneMatch(f -> f.toString().contains(".mpus-")),
            "no part file or stub is left behind");
      }
    }
  }

  private static String multipartETag(byte[] data, int partSize) throws Exception {
    MessageDigest ofParts = MessageDigest.getInstance("MD5");
    int parts = 0;
    for (int off = 0; off < data.length; off += partSize) {
      byte[] part = Arrays.copyOfRange(data, off, Math.min(data.length, off + partSize));
      ofParts.update(MessageDigest.getInstance("MD5").digest(part));
      parts++;
    }
    return HexFormat.of().formatHex(ofParts.digest()) + "-" + parts;
  }

  private static String unquote(String eTag) {
    return eTag.replace("\"", "");
  }
}
