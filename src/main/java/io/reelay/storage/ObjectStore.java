package io.reelay.storage;

import io.minio.BucketExistsArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.http.Method;
import io.minio.messages.DeleteError;
import io.minio.messages.DeleteObject;
import io.minio.messages.Item;
import io.minio.messages.Part;
import io.reelay.config.ReelayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import okhttp3.OkHttpClient;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The S3-compatible object store through the MinIO SDK (path-style). Every call blocks, so each
 * public method runs it on a worker thread and returns a {@link Future}.
 */
public final class ObjectStore {
  /**
   * One OkHttp client under every MinIO client of the process (each store has three, and a node
   * builds a store per capability). Left to itself, each MinIO client builds its own, loading and
   * indexing every trusted CA certificate (all of {@code SSL_CERT_FILE} when set): at start-up that
   * parsing was hot enough for the JIT to compile it, and the compiler was still busy with it
   * during the first upload. Clients with other timeouts derive from it and share its pool.
   */
  private static final class SharedHttp {
    static final OkHttpClient CLIENT =
        io.minio.http.HttpUtils.newDefaultHttpClient(
            TimeUnit.MINUTES.toMillis(5),
            TimeUnit.MINUTES.toMillis(5),
            TimeUnit.MINUTES.toMillis(5));
  }

  private final Vertx vertx;
  private final MinioClient client;
  // The multipart calls (create, complete, abort) are only public on the async client.
  private final MinioAsyncClient multipart;
  // Signs URLs for browsers with the host they reach (REELAY_S3_PUBLIC_ENDPOINT).
  private final MinioClient publicSigner;
  private final String bucket;
  private final String region;
  // Only for ListParts (see listParts), called on worker threads.
  private final HttpClient listHttp =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public ObjectStore(Vertx vertx, ReelayConfig config) {
    this.vertx = vertx;
    this.bucket = config.s3Bucket();
    this.region = config.s3Region();
    String endpoint = config.s3Endpoint().orElseThrow(() -> new IllegalStateException("no S3"));
    String accessKey = config.s3AccessKey().orElseThrow();
    String secretKey = config.s3SecretKey().orElseThrow();
    this.client =
        MinioClient.builder()
            .endpoint(endpoint)
            .credentials(accessKey, secretKey)
            .region(region)
            .httpClient(SharedHttp.CLIENT)
            .build();
    // Fail fast when the store is unreachable instead of hanging a worker thread for minutes.
    client.setTimeout(
        TimeUnit.SECONDS.toMillis(5), TimeUnit.SECONDS.toMillis(60), TimeUnit.SECONDS.toMillis(60));
    this.multipart =
        MinioAsyncClient.builder()
            .endpoint(endpoint)
            .credentials(accessKey, secretKey)
            .region(region)
            .httpClient(SharedHttp.CLIENT)
            .build();
    // Completing a multipart upload makes the store concatenate every part: give it time.
    multipart.setTimeout(
        TimeUnit.SECONDS.toMillis(5), TimeUnit.MINUTES.toMillis(10), TimeUnit.MINUTES.toMillis(10));
    this.publicSigner =
        MinioClient.builder()
            .endpoint(config.s3EndpointForClients())
            .credentials(accessKey, secretKey)
            .region(region)
            .httpClient(SharedHttp.CLIENT)
            .build();
  }

  /** Stores a small object from memory. Blocking: call on a worker thread only. */
  public void putBytesBlocking(String key, byte[] bytes, String contentType) throws Exception {
    client.putObject(
        io.minio.PutObjectArgs.builder().bucket(bucket()).object(key).stream(
                new java.io.ByteArrayInputStream(bytes), bytes.length, -1)
            .contentType(contentType)
            .build());
  }

  public String bucket() {
    return bucket;
  }

  /** The underlying client, for callers already on a worker thread. */
  public MinioClient client() {
    return client;
  }

  public Future<Void> ensureBucket() {
    return vertx.executeBlocking(
        () -> {
          if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
            client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
          }
          return null;
        },
        false);
  }

  /** Succeeds when the store answers and the bucket exists. */
  public Future<Void> ping() {
    return vertx.executeBlocking(
        () -> {
          if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
            throw new IllegalStateException("bucket '" + bucket + "' does not exist");
          }
          return null;
        },
        false);
  }

  /** Starts a multipart upload of {@code key}; returns the store's upload id. */
  public Future<String> createMultipart(String key) {
    return blocking(
        () ->
            multipart
                .createMultipartUploadAsync(bucket, region, key, null, null)
                .get()
                .result()
                .uploadId());
  }

  /** Joins the parts into the object {@code key}. */
  public Future<Void> completeMultipart(String key, String uploadId, List<Part> parts) {
    return blocking(
        () -> {
          multipart
              .completeMultipartUploadAsync(
                  bucket, region, key, uploadId, parts.toArray(Part[]::new), null, null)
              .get();
          return null;
        });
  }

  /** Drops a multipart upload and its parts; an upload the store no longer knows is no error. */
  public Future<Void> abortMultipart(String key, String uploadId) {
    return blocking(
        () -> {
          try {
            multipart.abortMultipartUploadAsync(bucket, region, key, uploadId, null, null).get();
          } catch (ExecutionException e) {
            if (!(e.getCause() instanceof ErrorResponseException err
                && "NoSuchUpload".equals(err.errorResponse().code()))) {
              throw e;
            }
          }
          return null;
        });
  }

  /** A part of a multipart upload as the store lists it. */
  public record UploadedPart(int number, String etag, long size) {}

  /**
   * The parts uploaded so far to a multipart upload, in part-number order. Read over a presigned
   * URL and parsed here: the SDK's parser insists on elements that some S3-compatible stores
   * (S3Proxy) leave out.
   */
  public Future<List<UploadedPart>> listParts(String key, String uploadId) {
    return blocking(
        () -> {
          List<UploadedPart> parts = new ArrayList<>();
          String marker = "0";
          while (true) {
            String url =
                client.getPresignedObjectUrl(
                    presignArgs(
                        Method.GET,
                        key,
                        Map.of("uploadId", uploadId, "part-number-marker", marker),
                        Duration.ofMinutes(5)));
            HttpResponse<byte[]> resp =
                listHttp.send(
                    HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (resp.statusCode() != 200) {
              throw new IllegalStateException(
                  "object store answered " + resp.statusCode() + " to ListParts");
            }
            Element root = parseXml(resp.body());
            NodeList found = root.getElementsByTagName("Part");
            for (int i = 0; i < found.getLength(); i++) {
              Element part = (Element) found.item(i);
              parts.add(
                  new UploadedPart(
                      Integer.parseInt(text(part, "PartNumber")),
                      text(part, "ETag"),
                      Long.parseLong(text(part, "Size"))));
            }
            String next = text(root, "NextPartNumberMarker");
            if (!"true".equals(text(root, "IsTruncated")) || next == null || next.equals(marker)) {
              return parts;
            }
            marker = next;
          }
        });
  }

  private static Element parseXml(byte[] xml) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    // The answer comes from the network: no DTDs, no external entities.
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    factory.setExpandEntityReferences(false);
    return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml)).getDocumentElement();
  }

  private static String text(Element parent, String tag) {
    NodeList nodes = parent.getElementsByTagName(tag);
    return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
  }

  /** The object's size, or empty when there is no such object. */
  public Future<Optional<Long>> size(String key) {
    return blocking(
        () -> {
          try {
            return Optional.of(
                client
                    .statObject(StatObjectArgs.builder().bucket(bucket).object(key).build())
                    .size());
          } catch (ErrorResponseException e) {
            String code = e.errorResponse().code();
            if ("NoSuchKey".equals(code) || "NoSuchObject".equals(code)) {
              return Optional.empty();
            }
            throw e;
          }
        });
  }

  /** Deletes {@code key}; deleting a missing object succeeds (S3 semantics). */
  public Future<Void> delete(String key) {
    return blocking(
        () -> {
          client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
          return null;
        });
  }

  /** Deletes every object under {@code prefix}; returns how many there were. */
  public Future<Integer> deletePrefix(String prefix) {
    return blocking(
        () -> {
          List<DeleteObject> keys = new ArrayList<>();
          for (Result<Item> item :
              client.listObjects(
                  ListObjectsArgs.builder()
                      .bucket(bucket)
                      .prefix(prefix)
                      .recursive(true)
                      .build())) {
            keys.add(new DeleteObject(item.get().objectName()));
          }
          if (!keys.isEmpty()) {
            for (Result<DeleteError> error :
                client.removeObjects(
                    RemoveObjectsArgs.builder().bucket(bucket).objects(keys).build())) {
              DeleteError e = error.get();
              throw new IllegalStateException(
                  "cannot delete " + e.objectName() + ": " + e.message());
            }
          }
          return keys.size();
        });
  }

  /** Stores a small object from memory (e.g. an empty source). */
  public Future<Void> putBytes(String key, byte[] bytes) {
    return blocking(
        () -> {
          client.putObject(
              PutObjectArgs.builder().bucket(bucket).object(key).stream(
                      new ByteArrayInputStream(bytes), bytes.length, -1)
                  .build());
          return null;
        });
  }

  /**
   * A presigned URL on the store's own endpoint, for this process's streaming HTTP client (the body
   * is not hashed: presigned URLs carry an unsigned payload).
   */
  public Future<String> presign(
      Method method, String key, Map<String, String> query, Duration validity) {
    return blocking(() -> client.getPresignedObjectUrl(presignArgs(method, key, query, validity)));
  }

  /** A presigned URL on the public endpoint, handed to browsers. */
  public Future<String> presignForClients(Method method, String key, Duration validity) {
    return presignForClients(method, key, List.of(Map.of()), validity).map(urls -> urls.get(0));
  }

  /**
   * Presigned URLs on the public endpoint, one per query (e.g. each part of a multipart upload),
   * signed in one worker task.
   */
  public Future<List<String>> presignForClients(
      Method method, String key, List<Map<String, String>> queries, Duration validity) {
    return blocking(
        () -> {
          List<String> urls = new ArrayList<>(queries.size());
          for (Map<String, String> query : queries) {
            urls.add(publicSigner.getPresignedObjectUrl(presignArgs(method, key, query, validity)));
          }
          return urls;
        });
  }

  private GetPresignedObjectUrlArgs presignArgs(
      Method method, String key, Map<String, String> query, Duration validity) {
    return GetPresignedObjectUrlArgs.builder()
        .method(method)
        .bucket(bucket)
        .object(key)
        .extraQueryParams(query)
        .expiry((int) Math.min(validity.toSeconds(), TimeUnit.DAYS.toSeconds(7)))
        .build();
  }

  /** The S3 multipart part reference for completing an upload. */
  public static Part part(int number, String etag) {
    return new Part(number, etag);
  }

  private interface Call<T> {
    T call() throws Exception;
  }

  private <T> Future<T> blocking(Call<T> call) {
    return vertx.executeBlocking(
        () -> {
          try {
            return call.call();
          } catch (ExecutionException e) {
            // Unwrap the async client's wrapper so callers see the store's own error.
            throw e.getCause() instanceof Exception cause ? cause : e;
          }
        },
        false);
  }
}
