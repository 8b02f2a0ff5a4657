package io.reelay.transcode;

import io.reelay.bus.Addresses;
import io.reelay.bus.Topics;
import io.reelay.config.ReelayConfig;
import io.reelay.platform.Backoff;
import io.reelay.platform.KafkaSettings;
import io.reelay.platform.StatusEndpoint;
import io.reelay.platform.VerticleConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import java.util.ArrayList;
import java.util.List;

/**
 * Plans transcodes and gathers their results. On start it provisions the job and event topics, so
 * that external Kafka clusters get the same partitioning as the embedded broker.
 */
public final class TranscodeDispatchVerticle extends VerticleBase {
  /** Enough partitions for a video's chunk jobs to spread over several workers. */
  static final int JOB_PARTITIONS = 8;

  private KafkaAdminClient admin;
  private final List<String> topics = new ArrayList<>();

  @Override
  public Future<?> start() {
    ReelayConfig config = VerticleConfig.of(config());
    return vertx
        .executeBlocking(() -> KafkaAdminClient.create(vertx, KafkaSettings.admin(config)))
        .compose(
            client -> {
              admin = client;
              // In the background: a broker that is down must not stop the server.
              Backoff.untilSuccess(vertx, "creating Kafka topics", this::ensureTopics);
              return Future.succeededFuture();
            })
        .compose(
            v ->
                StatusEndpoint.register(
                    vertx,
                    Addresses.DISPATCH_STATUS,
                    "transcode-dispatch",
                    () -> new JsonObject().put("topics", new JsonArray(topics))));
  }

  private Future<Void> ensureTopics() {
    List<String> wanted =
        List.of(
            Topics.VIDEO_UPLOADED,
            Topics.CHUNK_JOBS,
            Topics.LIVE_CHUNK_JOBS,
            Topics.CHUNK_DONE,
            Topics.VIDEO_READY,
            Topics.STREAM_EVENTS);
    return admin
        .listTopics()
        .compose(
            existing -> {
              List<NewTopic> missing = new ArrayList<>();
              for (String topic : wanted) {
                if (!existing.contains(topic)) {
                  missing.add(new NewTopic(topic, JOB_PARTITIONS, (short) 1));
                }
              }
              return missing.isEmpty()
                  ? Future.<Void>succeededFuture()
                  : admin.createTopics(missing);
            })
        // Another process may have created the same topics a moment earlier.
        .recover(
            err ->
                err.getMessage() != null && err.getMessage().contains("already exists")
                    ? Future.succeededFuture()
                    : Future.failedFuture(err))
        .onSuccess(v -> topics.addAll(wanted));
  }

  @Override
  public Future<?> stop() {
    return admin == null ? Future.succeededFuture() : admin.close();
  }
}
