package io.reelay.transcode;

import io.reelay.transcode.TranscodeMessages.TranscodeJob;
import io.reelay.transcode.TranscodeMessages.VideoUploaded;
import io.reelay.transcode.media.MediaException;
import io.reelay.transcode.media.MediaProbe;
import io.reelay.video.VideoStore;
import io.reelay.vod.VideoUpdates;
import io.reelay.vod.VodState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles {@code video.uploaded}: probes the source (a file FFmpeg cannot decode fails its video
 * here, with the reason, within seconds), plans the ladder and the chunks, stores the plan and
 * publishes one job per chunk plus the audio and thumbnail jobs. Safe to run twice: a plan already
 * published is not published again.
 */
final class TranscodeMapper {
  private static final Logger LOG = LoggerFactory.getLogger(TranscodeMapper.class);

  private final Vertx vertx;
  private final VodState state;
  private final VideoUpdates videos;
  private final KafkaProducer<String, String> producer;
  private final SourceCache sources;
  private final TranscodeSettings settings;

  TranscodeMapper(
      Vertx vertx,
      VodState state,
      VideoUpdates videos,
      KafkaProducer<String, String> producer,
      SourceCache sources,
      TranscodeSettings settings) {
    this.vertx = vertx;
    this.state = state;
    this.videos = videos;
    this.producer = producer;
    this.sources = sources;
    this.settings = settings;
  }

  Future<?> handle(JsonObject json) {
    VideoUploaded event = VideoUploaded.fromJson(json);
    String id = event.videoId();
    return state
        .plan(id)
        .compose(
            existing -> {
              if (existing != null && existing.getBoolean("published", false)) {
                LOG.info("video {}: already planned, event ignored", id);
                return Future.succeededFuture();
              }
              return videos
                  .processing(id)
                  .compose(
                      outcome -> {
                        if (outcome != VideoStore.PatchOutcome.UPDATED) {
                          LOG.info("video {}: {} , not transcoded", id, outcome);
                          return Future.succeededFuture();
                        }
                        return plan(event);
                      });
            });
  }

  private Future<Void> plan(VideoUploaded event) {
    String id = event.videoId();
    return vertx
        .executeBlocking(
            () -> {
              TranscodeSettings s = TranscodeSettings.merge(settings, event.ladder());
              return TranscodePlanner.plan(
                  id, event.sourceKey(), MediaProbe.probe(sources.get(event.sourceKey())), s);
            },
            false)
        .transform(
            ar -> {
              if (ar.failed()) {
                Throwable e = ar.cause();
                if (e instanceof MediaException
                    || e instanceof IllegalArgumentException
                    || (e instanceof IOException && e.getMessage().contains("not in the store"))) {
                  LOG.info("video {} rejected: {}", id, e.getMessage());
                  return videos.failed(id, e.getMessage()).mapEmpty();
                }
                return Future.failedFuture(e); // transient: the consumer retries
              }
              TranscodePlanner.Planned planned = ar.result();
              return state
                  .putPlan(id, planned.plan())
                  .compose(v -> publish(planned.jobs()))
                  .compose(v -> state.putPlan(id, planned.plan().put("published", true)))
                  .onSuccess(
                      v ->
                          LOG.info(
                              "video {}: {} jobs published ({} rungs)",
                              id,
                              planned.jobs().size(),
                              planned.plan().getJsonObject("ladder").getJsonArray("rungs").size()));
            });
  }

  private Future<Void> publish(List<TranscodeJob> jobs) {
    List<Future<?>> sent = new ArrayList<>();
    for (TranscodeJob job : jobs) {
      sent.add(
          producer.send(
              KafkaProducerRecord.create(job.topic(), job.kafkaKey(), job.toJson().encode())));
    }
    return Future.all(sent).mapEmpty();
  }
}
