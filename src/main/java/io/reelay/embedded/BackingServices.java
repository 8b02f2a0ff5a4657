package io.reelay.embedded;

import io.reelay.config.ReelayConfig;
import io.reelay.config.Secrets;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts an embedded Kafka, Redis and S3 store for each service the configuration leaves without an
 * external address, and stops them in reverse order. The result is a configuration in which every
 * address is filled in, so the rest of Reelay never knows which kind it talks to.
 */
public final class BackingServices implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BackingServices.class);

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private ReelayConfig resolved;

  public static BackingServices start(ReelayConfig config) throws Exception {
    BackingServices services = new BackingServices();
    try {
      services.startMissing(config);
    } catch (Exception e) {
      services.close();
      throw e;
    }
    return services;
  }

  private void startMissing(ReelayConfig config) throws Exception {
    Path data = config.dataDir();
    FreePort.reserve(config.httpPort(), config.rtmpPort());
    String kafka;
    if (config.kafkaBootstrap().isPresent()) {
      kafka = config.kafkaBootstrap().get();
    } else {
      EmbeddedKafka embedded =
          EmbeddedKafka.start(data.resolve("kafka"), config.embeddedKafkaPort());
      started.push(embedded);
      kafka = embedded.bootstrap();
    }
    String redis;
    if (config.redisUrl().isPresent()) {
      redis = config.redisUrl().get();
    } else {
      EmbeddedRedis embedded =
          EmbeddedRedis.start(data.resolve("redis"), config.embeddedRedisPort());
      started.push(embedded);
      redis = embedded.url();
    }
    String s3;
    String accessKey;
    String secretKey;
    if (config.s3Endpoint().isPresent()) {
      s3 = config.s3Endpoint().get();
      accessKey = config.s3AccessKey().orElseThrow();
      secretKey = config.s3SecretKey().orElseThrow();
    } else {
      accessKey =
          config
              .s3AccessKey()
              .orElseGet(() -> Secrets.readOrCreate(data.resolve("s3-access-key"), 12));
      secretKey =
          config
              .s3SecretKey()
              .orElseGet(() -> Secrets.readOrCreate(data.resolve("s3-secret-key"), 24));
      EmbeddedS3 embedded =
          EmbeddedS3.start(data.resolve("s3"), config.embeddedS3Port(), accessKey, secretKey);
      started.push(embedded);
      s3 = embedded.endpoint();
      // The node that owns the store also owns its bucket, so every role finds it in place.
      embedded.ensureBucket(config.s3Bucket());
    }
    String token =
        config.adminToken().orElseGet(() -> Secrets.readOrCreate(data.resolve("admin-token"), 32));
    resolved = config.withServices(kafka, redis, s3, accessKey, secretKey, token);
    writeAddresses(data.resolve("services.json"));
  }

  /** Lets another process (or an operator) find the services this one is running. */
  private void writeAddresses(Path file) throws IOException {
    JsonObject json =
        new JsonObject()
            .put("kafkaBootstrap", resolved.kafkaBootstrap().orElseThrow())
            .put("redisUrl", resolved.redisUrl().orElseThrow())
            .put("s3Endpoint", resolved.s3Endpoint().orElseThrow())
            .put("s3Bucket", resolved.s3Bucket());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, json.encodePrettily());
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  public ReelayConfig config() {
    return resolved;
  }

  @Override
  public void close() {
    while (!started.isEmpty()) {
      AutoCloseable service = started.pop();
      try {
        service.close();
      } catch (Exception e) {
        LOG.warn("stopping {} failed: {}", service.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
