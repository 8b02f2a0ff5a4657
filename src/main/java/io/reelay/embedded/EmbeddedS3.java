package io.reelay.embedded;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.CrossOriginResourceSharing;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An S3-compatible object store (S3Proxy over jclouds' filesystem backend) serving the S3 API on
 * loopback, with objects stored as files under the data directory. Path-style addressing.
 */
public final class EmbeddedS3 implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3.class);

  private final S3Proxy proxy;
  private final BlobStoreContext context;
  private final String endpoint;
  private final KernelJoinBlobStore store;

  private EmbeddedS3(
      S3Proxy proxy, BlobStoreContext context, String endpoint, KernelJoinBlobStore store) {
    this.proxy = proxy;
    this.context = context;
    this.endpoint = endpoint;
    this.store = store;
  }

  public static EmbeddedS3 start(Path dir, int configuredPort, String accessKey, String secretKey)
      throws Exception {
    Files.createDirectories(dir);
    dropInterruptedPartWrites(dir);
    Properties overrides = new Properties();
    overrides.setProperty("jclouds.filesystem.basedir", dir.toString());
    BlobStoreContext context =
        ContextBuilder.newBuilder("filesystem").overrides(overrides).build(BlobStoreContext.class);
    int port = FreePort.pick(configuredPort);
    String endpoint = "http://127.0.0.1:" + port;
    // Browsers PUT straight to presigned URLs, so the store must answer CORS itself.
    CrossOriginResourceSharing cors =
        new CrossOriginResourceSharing(
            List.of("*"),
            List.of("GET", "PUT", "POST", "HEAD", "DELETE"),
            List.of("*"),
            List.of("ETag"),
            "false");
    KernelJoinBlobStore store = new KernelJoinBlobStore(context.getBlobStore(), dir);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(store)
            .endpoint(URI.create(endpoint))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
            .ignoreUnknownHeaders(true)
            .corsRules(cors)
            .build();
    proxy.start();
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!AbstractLifeCycle.STARTED.equals(proxy.getState())) {
      if (System.nanoTime() > deadline || AbstractLifeCycle.FAILED.equals(proxy.getState())) {
        proxy.stop();
        context.close();
        throw new IllegalStateException("embedded S3 did not start on port " + port);
      }
      Thread.sleep(20);
    }
    LOG.info("embedded S3 ready at {} with data in {}", endpoint, dir);
    return new EmbeddedS3(proxy, context, endpoint, store);
  }

  /**
   * The filesystem backend writes each multipart part to a temporary file {@code <n>-<uuid>} and
   * renames it when complete (parts are {@code .mpus-<upload>-<key>-<n>}, the temporary file has
   * {@code -<uuid>} appended); a process killed mid-write leaves that file behind, and completing
   * the upload later fails on it (the backend expects a part number after the key). Nothing writes
   * before the store starts, so such leftovers in the multipart directories are deleted here.
   */
  static int dropInterruptedPartWrites(Path dir) throws java.io.IOException {
    java.util.regex.Pattern leftover =
        java.util.regex.Pattern.compile(
            "(.*-)?\\d+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    List<Path> stale;
    try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
      stale =
          files
              .filter(Files::isRegularFile)
              .filter(f -> dir.relativize(f).toString().contains("/.mpus-"))
              .filter(f -> leftover.matcher(f.getFileName().toString()).matches())
              .toList();
    }
    for (Path f : stale) {
      Files.deleteIfExists(f);
    }
    if (!stale.isEmpty()) {
      LOG.info("embedded S3: removed {} part file(s) left half-written by a crash", stale.size());
    }
    return stale.size();
  }

  public void ensureBucket(String bucket) {
    context.getBlobStore().createContainerInLocation(null, bucket);
  }

  /** Multipart completions joined in the kernel rather than by the backend's stream copy. */
  int kernelJoins() {
    return store.kernelJoins();
  }

  /** Multipart completions whose parts already lay in place: nothing copied. */
  int joinsInPlace() {
    return store.joinsInPlace();
  }

  public String endpoint() {
    return endpoint;
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    context.close();
  }
}
