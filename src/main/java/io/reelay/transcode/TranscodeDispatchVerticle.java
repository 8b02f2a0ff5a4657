package io.reelay.transcode;

import io.reelay.bus.Addresses;
import io.reelay.bus.Topics;
import io.reelay.config.ReelayConfig;
import io.reelay.platform.Backoff;
import io.reelay.platform.KafkaSettings;
import io.reelay.platform.RedisSettings;
import io.reelay.platform.StatusEndpoint;
import io.reelay.platform.VerticleConfig;
import io.reelay.storage.ObjectStore;
import io.reelay.vod.VideoUpdates;
import io.reelay.vod.VodObjects;
import io.reelay.vod.VodState;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.util.ArrayList;
import java.util.List;

/**
 * Plans transcodes (map: {@link TranscodeMapper}) and gathers their results (reduce: {@link
 * TranscodeReducer}). On start it provisions the job and event topics, so that external Kafka
 * clusters get the same partitioning as the embedded broker.
 *
 * <p>Config: the {@link TranscodeSettings} keys (e.g. {@code {"x264Preset":"ultrafast"}}).
 */
public final class TranscodeDispatchVerticle extends VerticleBase {
  /** Set by stop(); read on this verticle's context only. */
  private boolean stopped;

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(TranscodeDispatchVerticle.class);

  /** Enough partitions for a video's chunk jobs to spread over several workers. */
  static final int JOB_PARTITIONS = 8;

  private KafkaAdminClient admin;
  private KafkaProducer<String, String> producer;
  private Redis redisClient;
  private final List<SequentialConsumer> consumers = new ArrayList<>();
  private final List<String> topics = new ArrayList<>();

  @Override
  public Future<?> start() {
    ReelayConfig config = VerticleConfig.of(config());
    TranscodeSettings settings;
    try {
      settings = TranscodeSettings.merge(TranscodeSettings.defaults(), config());
    } catch (IllegalArgumentException | ClassCastException e) {
      return Future.failedFuture(
          new IllegalStateException("REELAY_TRANSCODE_DISPATCH_CONFIG: " + e.getMessage()));
    }
    redisClient = Redis.createClient(vertx, RedisSettings.options(config));
    RedisAPI redis = RedisAPI.api(redisClient);
    VodState state = new VodState(redis);
    VideoUpdates videos = new VideoUpdates(redis);
    return vertx
        .executeBlocking(
            () -> {
              admin = KafkaAdminClient.create(vertx, KafkaSettings.admin(config));
              producer = KafkaProducer.create(vertx, KafkaSettings.producer(config));
              ObjectStore store = new ObjectStore(vertx, config);
              VodObjects objects = new VodObjects(store.client(), store.bucket());
              SourceCache sources =
                  new SourceCache(config.dataDir().resolve("work/sources"), objects);
              return List.of(
                  new TranscodeMapper(vertx, state, videos, producer, sources, settings),
                  new TranscodeReducer(vertx, state, videos, objects, producer));
            })
        .compose(
            handlers -> {
              // Topics, then the consumers, in the background: a broker that is down must not
              // stop the server (health reports it); they start once Kafka answers.
              Backoff.untilSuccess(vertx, "creating Kafka topics", this::ensureTopics)
                  .compose(
                      v ->
                          SequentialConsumer.start(
                              vertx,
                              KafkaSettings.consumer(config, "reelay-dispatch-uploads"),
                              Topics.VIDEO_UPLOADED,
                              "dispatch-map",
                              ((TranscodeMapper) handlers.get(0))::handle))
                  .compose(
                      c -> {
                        keep(c);
                        return SequentialConsumer.start(
                            vertx,
                            KafkaSettings.consumer(config, "reelay-dispatch-results"),
                            Topics.CHUNK_DONE,
                            "dispatch-reduce",
                            ((TranscodeReducer) handlers.get(1))::handle);
                      })
                  .onSuccess(this::keep)
                  .onFailure(
                      err ->
                          LOG.warn(
                              "transcode dispatch consumers did not start: {}", err.toString()));
              return StatusEndpoint.register(
                  vertx,
                  Addresses.DISPATCH_STATUS,
                  "transcode-dispatch",
                  () -> new JsonObject().put("topics", new JsonArray(topics)));
            });
  }

  private Future<Void> ensureTopics() {
    List<String> wanted =
        List.of(
            Topics.VIDEO_UPLOADED,
            Topics.CHUNK_JOBS,
            Topics.AUDIO_JOBS,
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

  /**
   * Keeps a consumer that started in the background, or closes it at once when the verticle has
   * been stopped meanwhile: a consumer left open keeps heartbeating without polling and holds its
   * partitions from every other member of the group until the poll interval expires.
   */
  private void keep(SequentialConsumer consumer) {
    if (stopped) {
      consumer.close();
    } else {
      consumers.add(consumer);
    }
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    List<Future<?>> closing = new ArrayList<>();
    consumers.forEach(c -> closing.add(c.close()));
    if (producer != null) {
      closing.add(producer.close());
    }
    if (admin != null) {
      closing.add(admin.close());
    }
    if (redisClient != null) {
      closing.add(redisClient.close());
    }
    return Future.join(closing);
  }
}
