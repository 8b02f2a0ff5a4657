package io.reelay.transcode;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At-least-once handling of a Kafka topic, one record at a time: the stream is paused while the
 * handler works, and the record's offset is committed only after the handler's future succeeds.
 * When it fails (Redis or S3 down: a transient state, not bad input) the consumer seeks back to the
 * same record and tries again after a pause, so nothing is skipped. Handlers turn bad input into a
 * successful outcome themselves (a failed video), never into a failure here.
 */
public final class SequentialConsumer {
  private static final Logger LOG = LoggerFactory.getLogger(SequentialConsumer.class);
  private static final long RETRY_DELAY_MS = 2_000;

  private final Vertx vertx;
  private final KafkaConsumer<String, String> consumer;
  private final String name;
  private final Function<JsonObject, Future<?>> handler;
  private volatile boolean closed;

  private SequentialConsumer(
      Vertx vertx,
      KafkaConsumer<String, String> consumer,
      String name,
      Function<JsonObject, Future<?>> handler) {
    this.vertx = vertx;
    this.consumer = consumer;
    this.name = name;
    this.handler = handler;
  }

  public static Future<SequentialConsumer> start(
      Vertx vertx,
      Map<String, String> config,
      String topic,
      String name,
      Function<JsonObject, Future<?>> handler) {
    KafkaConsumer<String, String> consumer = KafkaConsumer.create(vertx, config);
    SequentialConsumer c = new SequentialConsumer(vertx, consumer, name, handler);
    consumer.exceptionHandler(
        err -> LOG.warn("{}: Kafka consumer error: {}", name, err.toString()));
    consumer.handler(c::onRecord);
    return consumer.subscribe(topic).map(c);
  }

  private void onRecord(KafkaConsumerRecord<String, String> rec) {
    consumer.pause();
    TopicPartition tp = new TopicPartition(rec.topic(), rec.partition());
    Future<?> work;
    try {
      work = handler.apply(new JsonObject(rec.value()));
    } catch (RuntimeException e) {
      // Unparseable JSON is not something a retry fixes: log it and move past it.
      LOG.warn("{}: dropping malformed record {}@{}: {}", name, tp, rec.offset(), e.toString());
      work = Future.succeededFuture();
    }
    work.compose(v -> consumer.commit(Map.of(tp, new OffsetAndMetadata(rec.offset() + 1, null))))
        .onSuccess(v -> resume())
        .onFailure(
            err -> {
              if (closed) {
                return;
              }
              LOG.warn(
                  "{}: record {}@{} not done ({}); retrying in {} ms",
                  name,
                  tp,
                  rec.offset(),
                  err.toString(),
                  RETRY_DELAY_MS);
              vertx.setTimer(
                  RETRY_DELAY_MS,
                  t ->
                      consumer
                          .seek(tp, rec.offset())
                          .onComplete(
                              ar -> {
                                // The partition may have moved to another consumer meanwhile.
                                resume();
                              }));
            });
  }

  private void resume() {
    if (!closed) {
      consumer.resume();
    }
  }

  public Future<Void> close() {
    closed = true;
    return consumer.close();
  }
}
