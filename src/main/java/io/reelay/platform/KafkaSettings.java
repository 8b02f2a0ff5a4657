package io.reelay.platform;

import io.reelay.config.ReelayConfig;
import java.util.HashMap;
import java.util.Map;

/** Kafka client settings shared by every producer, consumer and admin client Reelay creates. */
public final class KafkaSettings {
  private KafkaSettings() {}

  private static Map<String, String> common(ReelayConfig config) {
    Map<String, String> map = new HashMap<>();
    map.put("bootstrap.servers", config.kafkaBootstrap().orElseThrow());
    // Reconnect with backoff when the broker goes away, capped so recovery is quick.
    map.put("reconnect.backoff.ms", "200");
    map.put("reconnect.backoff.max.ms", "5000");
    return map;
  }

  public static Map<String, String> producer(ReelayConfig config) {
    Map<String, String> map = common(config);
    map.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    map.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    map.put("acks", "all");
    map.put("enable.idempotence", "true");
    map.put("delivery.timeout.ms", "30000");
    map.put("request.timeout.ms", "10000");
    return map;
  }

  /** Offsets are committed by hand after the work is done: at-least-once, idempotent handlers. */
  public static Map<String, String> consumer(ReelayConfig config, String groupId) {
    Map<String, String> map = common(config);
    map.put("group.id", groupId);
    map.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    map.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    map.put("enable.auto.commit", "false");
    map.put("auto.offset.reset", "earliest");
    // An idle consumer's fetch waits this long at the broker; a record produced meanwhile answers
    // it at once, so this adds no latency. The default (500 ms) made every idle consumer cost the
    // in-process broker and the client threads two round trips a second.
    map.put("fetch.max.wait.ms", "5000");
    return map;
  }

  public static Map<String, String> admin(ReelayConfig config) {
    Map<String, String> map = common(config);
    map.put("request.timeout.ms", "3000");
    map.put("default.api.timeout.ms", "3000");
    return map;
  }
}
