package io.reelay.ingest;

import io.reelay.bus.Topics;
import io.reelay.live.LiveState;
import io.reelay.live.LiveWindowWriter.ArchivedSegment;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces every finished source video segment as one live transcode job on {@link
 * Topics#LIVE_CHUNK_JOBS}. The job only names the segment (its bytes are in the Redis window) and
 * when it was finished, so a worker can tell a job that is no longer useful. Keyed by stream and
 * msn, so consecutive segments spread over partitions and several workers share one stream.
 */
public final class LiveRungJobs {
  private static final Logger LOG = LoggerFactory.getLogger(LiveRungJobs.class);

  private final KafkaProducer<String, String> producer;

  LiveRungJobs(KafkaProducer<String, String> producer) {
    this.producer = producer;
  }

  /** The job message; read by {@code transcode.LiveRungWorker}. */
  public static JsonObject job(ArchivedSegment s, long finishedAtMs) {
    return new JsonObject()
        .put("streamId", s.streamId())
        .put("msn", s.msn())
        .put("gen", s.initGeneration())
        .put("duration", s.duration())
        .put("finishedAt", finishedAtMs);
  }

  /** Called on the writer's event loop for every finished segment; never blocks. */
  public void accept(ArchivedSegment s) {
    if (!LiveState.VIDEO.equals(s.rendition())) {
      return;
    }
    producer
        .send(
            KafkaProducerRecord.create(
                Topics.LIVE_CHUNK_JOBS,
                s.streamId() + "/" + s.msn(),
                job(s, System.currentTimeMillis()).encode()))
        .onFailure(
            err ->
                LOG.warn(
                    "live transcode job {}/{} not sent: {}",
                    s.streamId(),
                    s.msn(),
                    err.toString()));
  }
}
