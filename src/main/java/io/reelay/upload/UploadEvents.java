package io.reelay.upload;

import io.reelay.bus.Topics;
import io.reelay.config.ReelayConfig;
import io.reelay.platform.KafkaSettings;
import io.reelay.video.Video;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;

/**
 * Produces {@code video.uploaded} to Kafka, keyed by video id, with acks=all and idempotence
 * ({@link KafkaSettings#producer}). Consumers treat a second copy as a no-op: the same id, the same
 * deterministic source key.
 */
final class UploadEvents {
  private final KafkaProducer<String, String> producer;

  UploadEvents(Vertx vertx, ReelayConfig config) {
    this.producer = KafkaProducer.create(vertx, KafkaSettings.producer(config));
  }

  static JsonObject uploaded(Video video) {
    return new JsonObject()
        .put("videoId", video.id())
        .put("sourceKey", video.sourceKey())
        .put("size", video.size())
        .put("title", video.title())
        .put("owner", video.owner());
  }

  Future<Void> publishUploaded(Video video) {
    return producer
        .send(
            KafkaProducerRecord.create(Topics.VIDEO_UPLOADED, video.id(), uploaded(video).encode()))
        .mapEmpty();
  }

  Future<Void> close() {
    return producer.close();
  }
}
