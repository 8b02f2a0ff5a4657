package io.reelay.storage;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.reelay.config.ReelayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * The S3-compatible object store through the MinIO SDK (path-style). Every call blocks, so each
 * public method runs it on a worker thread and returns a {@link Future}.
 */
public final class ObjectStore {
  private final Vertx vertx;
  private final MinioClient client;
  private final String bucket;

  public ObjectStore(Vertx vertx, ReelayConfig config) {
    this.vertx = vertx;
    this.bucket = config.s3Bucket();
    this.client =
        MinioClient.builder()
            .endpoint(config.s3Endpoint().orElseThrow(() -> new IllegalStateException("no S3")))
            .credentials(config.s3AccessKey().orElseThrow(), config.s3SecretKey().orElseThrow())
            .region(config.s3Region())
            .build();
    // Fail fast when the store is unreachable instead of hanging a worker thread for minutes.
    client.setTimeout(
        TimeUnit.SECONDS.toMillis(5), TimeUnit.SECONDS.toMillis(60), TimeUnit.SECONDS.toMillis(60));
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
}
