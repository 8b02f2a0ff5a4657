package io.reelay.ingest;

import io.reelay.bus.Topics;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a live stream's lifecycle to Kafka ({@link Topics#STREAM_EVENTS}, keyed by stream id so
 * one stream's events stay in order): {@code stream.started} and {@code stream.ended}, for the
 * live-to-VOD work to consume.
 */
final class StreamEvents {
  private static final Logger LOG = LoggerFactory.getLogger(StreamEvents.class);
  static final String STARTED = "stream.started";
  static final String ENDED = "stream.ended";

  private final KafkaProducer<String, String> producer;

  StreamEvents(KafkaProducer<String, String> producer) {
    this.producer = producer;
  }

  Future<Void> emit(String type, String streamId, JsonObject details) {
    JsonObject event =
        new JsonObject()
            .put("type", type)
            .put("streamId", streamId)
            .put("at", System.currentTimeMillis())
            .mergeIn(details);
    return producer
        .send(KafkaProducerRecord.create(Topics.STREAM_EVENTS, streamId, event.encode()))
        .<Void>mapEmpty()
        .onFailure(err -> LOG.warn("{} for {} not sent: {}", type, streamId, err.toString()));
  }

  /**
   * The stream ended after {@code session}; the broadcast's segments are {@code firstMsn} to {@code
   * lastMsn} (the range live-to-VOD records).
   */
  Future<Void> ended(String streamId, long session, long firstMsn, long lastMsn) {
    return emit(
        ENDED,
        streamId,
        new JsonObject().put("session", session).put("firstMsn", firstMsn).put("lastMsn", lastMsn));
  }

  Future<Void> close() {
    return producer.close();
  }
}
