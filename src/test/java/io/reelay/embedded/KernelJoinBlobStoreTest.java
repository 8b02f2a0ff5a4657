package io.reelay.embedded;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MinioAsyncClient;
import io.minio.MinioClient;
import io.minio.ObjectWriteResponse;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.http.Method;
import io.minio.messages.Part;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelJoinBlobStoreTest {
  private static final int PART = 5 * 1024 * 1024;
  private static final String KEY = "access";
  private static final String SECRET = "secret-key-123";

  @Test
  @DisplayName("a multipart upload completes byte-identical, with an S3 ETag, type and metadata")
  void joinsPartsAsTheBackendWould(@TempDir Path dir) throws Exception {
    byte[] data = new byte[2 * PART + 123_457];
    new Random(7).nextBytes(data);
    try (EmbeddedS3 s3 = EmbeddedS3.start(dir, 0, KEY, SECRET)) {
      s3.ensureBucket("media");
      MinioClient client = client(s3);
      // Known size above the part size: the SDK uploads three parts and completes them.
      ObjectWriteResponse put =
          client.putObject(
              PutObjectArgs.builder().bucket("media").object("uploads/v1/source").stream(
                      new ByteArrayInputStream(data), data.length, PART)
                  .contentType("video/mp4")
                  .userMetadata(Map.of("title", "holiday"))
                  .build());

      StatObjectResponse stat =
          client.statObject(
              StatObjectArgs.builder().bucket("media").object("uploads/v1/source").build());
      assertEquals(1, s3.kernelJoins(), "joined in the kernel, not by the fallback");
      assertEquals(1, s3.joinsInPlace(), "the parts were written where the object needs them");
      // The SDK sends no Content-MD5 with parts, so their ETags are opaque (see the next test).
      assertTrue(unquote(put.etag()).matches("[0-9a-f]{32}-3"), put.etag());
      assertEquals(unquote(put.etag()), unquote(stat.etag()));
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
            files.noneMatch(f -> f.toString().contains(".mpu")),
            "no part file or stub is left behind");
      }
    }
  }

  @Test
  @DisplayName(
      "parts: Content-MD5 is verified and is the ETag; without it no hashing, an opaque ETag")
  void storesPresignedPartsWithoutHashing(@TempDir Path dir) throws Exception {
    byte[] data = new byte[PART + 54_321];
    new Random(8).nextBytes(data);
    String key = "sources/v2/source";
    try (EmbeddedS3 s3 = EmbeddedS3.start(dir, 0, KEY, SECRET)) {
      s3.ensureBucket("media");
      MinioClient client = client(s3);
      MinioAsyncClient multipart = multipartClient(s3);
      String uploadId = createMultipart(multipart, key);
      // As Reelay sends parts: presigned PUTs with an unsigned payload and no Content-MD5.
      HttpClient http = HttpClient.newHttpClient();
      List<Part> parts = new ArrayList<>();
      MessageDigest ofParts = MessageDigest.getInstance("MD5");
      for (int n = 1, off = 0; off < data.length; n++, off += PART) {
        int len = Math.min(PART, data.length - off);
        byte[] md5 =
            MessageDigest.getInstance("MD5").digest(Arrays.copyOfRange(data, off, off + len));
        HttpRequest.Builder put = partPut(client, key, uploadId, n, data, off, len);
        // The first part declares its MD5: the store checks it, so a wrong one is refused.
        boolean declared = n == 1;
        if (declared) {
          byte[] wrong = md5.clone();
          wrong[0] ^= 1;
          HttpResponse<String> refused =
              http.send(
                  put.copy()
                      .header("Content-MD5", Base64.getEncoder().encodeToString(wrong))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          assertNotEquals(200, refused.statusCode(), "a wrong Content-MD5 is refused");
          put.header("Content-MD5", Base64.getEncoder().encodeToString(md5));
        }
        HttpResponse<String> stored = http.send(put.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, stored.statusCode(), stored.body());
        String eTag = unquote(stored.headers().firstValue("ETag").orElseThrow());
        assertTrue(eTag.matches("[0-9a-f]{32}"), eTag);
        if (declared) {
          assertEquals(HexFormat.of().formatHex(md5), eTag, "the verified MD5 is the ETag");
        } else {
          assertNotEquals(HexFormat.of().formatHex(md5), eTag, "no MD5 pass over the part");
        }
        ofParts.update(HexFormat.of().parseHex(eTag));
        parts.add(new Part(n, eTag));
      }
      ObjectWriteResponse done =
          multipart
              .completeMultipartUploadAsync(
                  "media", "us-east-1", key, uploadId, parts.toArray(Part[]::new), null, null)
              .get();

      String expected = HexFormat.of().formatHex(ofParts.digest()) + "-" + parts.size();
      StatObjectResponse stat =
          client.statObject(StatObjectArgs.builder().bucket("media").object(key).build());
      assertEquals(1, s3.kernelJoins());
      // Part 1 went through the backend (Content-MD5), part 2 to the assembly: ranges copied.
      assertEquals(0, s3.joinsInPlace());
      assertEquals(expected, unquote(done.etag()));
      assertEquals(expected, unquote(stat.etag()));
      assertEquals(data.length, stat.size());
      try (InputStream in =
          client.getObject(GetObjectArgs.builder().bucket("media").object(key).build())) {
        assertArrayEquals(data, in.readAllBytes());
      }
      try (Stream<Path> files = Files.walk(dir)) {
        assertTrue(files.noneMatch(f -> f.toString().contains(".mpu")), "no part file left");
      }
    }
  }

  @Test
  @DisplayName("a part written twice keeps its last bytes; an aborted upload leaves no file behind")
  void rewrittenPartsAndAbort(@TempDir Path dir) throws Exception {
    byte[] first = new byte[PART];
    byte[] again = new byte[PART];
    byte[] last = new byte[777];
    Random random = new Random(9);
    random.nextBytes(first);
    random.nextBytes(again);
    random.nextBytes(last);
    String key = "sources/v3/source";
    try (EmbeddedS3 s3 = EmbeddedS3.start(dir, 0, KEY, SECRET)) {
      s3.ensureBucket("media");
      MinioClient client = client(s3);
      MinioAsyncClient multipart = multipartClient(s3);
      HttpClient http = HttpClient.newHttpClient();
      String uploadId = createMultipart(multipart, key);
      String eTag1 = send(http, partPut(client, key, uploadId, 1, first, 0, PART));
      String eTag2 = send(http, partPut(client, key, uploadId, 2, last, 0, last.length));
      // Part 1 again, other bytes: stored apart from its first copy, which stays intact meanwhile.
      String eTag1b = send(http, partPut(client, key, uploadId, 1, again, 0, PART));
      assertNotEquals(eTag1, eTag1b);
      multipart
          .completeMultipartUploadAsync(
              "media",
              "us-east-1",
              key,
              uploadId,
              new Part[] {new Part(1, eTag1b), new Part(2, eTag2)},
              null,
              null)
          .get();
      assertEquals(0, s3.joinsInPlace(), "part 1 is no longer in place: ranges are copied");
      try (InputStream in =
          client.getObject(GetObjectArgs.builder().bucket("media").object(key).build())) {
        byte[] expected = Arrays.copyOf(again, PART + last.length);
        System.arraycopy(last, 0, expected, PART, last.length);
        assertArrayEquals(expected, in.readAllBytes());
      }

      String aborted = createMultipart(multipart, "sources/v4/source");
      send(http, partPut(client, "sources/v4/source", aborted, 1, first, 0, PART));
      multipart
          .abortMultipartUploadAsync("media", "us-east-1", "sources/v4/source", aborted, null, null)
          .get();
      try (Stream<Path> files = Files.walk(dir)) {
        assertTrue(files.noneMatch(f -> f.toString().contains(".mpu")), "no part file left");
      }
    }
  }

  private static String createMultipart(MinioAsyncClient multipart, String key) throws Exception {
    return multipart
        .createMultipartUploadAsync("media", "us-east-1", key, null, null)
        .get()
        .result()
        .uploadId();
  }

  /** A presigned part PUT as Reelay sends it: unsigned payload, no Content-MD5. */
  private static HttpRequest.Builder partPut(
      MinioClient client, String key, String uploadId, int n, byte[] data, int off, int len)
      throws Exception {
    String url =
        client.getPresignedObjectUrl(
            GetPresignedObjectUrlArgs.builder()
                .method(Method.PUT)
                .bucket("media")
                .object(key)
                .extraQueryParams(Map.of("uploadId", uploadId, "partNumber", String.valueOf(n)))
                .expiry(600)
                .build());
    return HttpRequest.newBuilder(URI.create(url))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(data, off, len));
  }

  /** Sends a part PUT; returns its ETag. */
  private static String send(HttpClient http, HttpRequest.Builder put) throws Exception {
    HttpResponse<String> stored = http.send(put.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, stored.statusCode(), stored.body());
    return unquote(stored.headers().firstValue("ETag").orElseThrow());
  }

  /** The multipart calls are only public on the async client. */
  private static MinioAsyncClient multipartClient(EmbeddedS3 s3) {
    return MinioAsyncClient.builder().endpoint(s3.endpoint()).credentials(KEY, SECRET).build();
  }

  private static MinioClient client(EmbeddedS3 s3) {
    return MinioClient.builder()
        .endpoint(s3.endpoint())
        .credentials(KEY, SECRET)
        .region("us-east-1")
        .build();
  }

  private static String unquote(String eTag) {
    return eTag.replace("\"", "");
  }
}
