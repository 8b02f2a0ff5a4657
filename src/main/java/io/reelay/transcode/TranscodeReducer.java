package io.reelay.transcode;

import io.reelay.bus.Topics;
import io.reelay.hls.PlaylistType;
import io.reelay.manifest.VodManifests;
import io.reelay.manifest.VodPresentation;
import io.reelay.transcode.TranscodeMessages.JobDone;
import io.reelay.transcode.TranscodeMessages.VideoReady;
import io.reelay.vod.VideoUpdates;
import io.reelay.vod.VodKeys;
import io.reelay.vod.VodObjects;
import io.reelay.vod.VodState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles {@code chunk-done}: records each result once, moves {@code progress}, publishes an EVENT
 * playlist as soon as the first chunk of every rung and the audio are in, and when every job is in
 * writes the VOD playlists and the MPD (master last) and marks the video ready. A failed job fails
 * its video with the job's reason. Results are idempotent (a hash keyed by job id), so a result
 * reported twice changes nothing.
 */
final class TranscodeReducer {
  private static final Logger LOG = LoggerFactory.getLogger(TranscodeReducer.class);

  /** Bookkeeping kept after a video is finished, then dropped. */
  private static final long STATE_TTL_SECONDS = 7 * 24 * 3600;

  private final Vertx vertx;
  private final VodState state;
  private final VideoUpdates videos;
  private final VodObjects objects;
  private final KafkaProducer<String, String> producer;

  TranscodeReducer(
      Vertx vertx,
      VodState state,
      VideoUpdates videos,
      VodObjects objects,
      KafkaProducer<String, String> producer) {
    this.vertx = vertx;
    this.state = state;
    this.videos = videos;
    this.objects = objects;
    this.producer = producer;
  }

  Future<?> handle(JsonObject json) {
    JobDone done = JobDone.fromJson(json);
    String id = done.videoId();
    return Future.all(state.plan(id), videos.get(id))
        .compose(
            both -> {
              JsonObject plan = both.resultAt(0);
              JsonObject video = both.resultAt(1);
              if (plan == null
                  || video == null
                  || !"processing".equals(video.getString("status"))) {
                return Future.succeededFuture(); // deleted, failed or finished meanwhile
              }
              if (!done.ok()) {
                LOG.info("video {} failed: {}", id, done.error());
                return videos.failed(id, done.error()).mapEmpty();
              }
              return state
                  .recordDone(id, done.jobId(), done.result())
                  .compose(count -> state.results(id))
                  .compose(
                      r ->
                          // Side by side: the playlists need not wait for the released jobs'
                          // sends, nor the worker for the playlists' S3 writes.
                          Future.all(
                              release(id, plan, r),
                              advance(
                                  id,
                                  plan,
                                  r,
                                  !video
                                      .getJsonObject("media", new JsonObject())
                                      .containsKey("hls"))));
            });
  }

  /**
   * Releases held jobs: none until the first chunk and the audio are in (the first playable), then
   * the thumbnails and {@code chunksInFlight} chunk jobs queued ahead of the finished ones. The
   * reducer sees a video's events one at a time, so the plan's read-modify-write is safe; a crash
   * between the send and the plan update only re-sends jobs, which are idempotent.
   */
  private Future<Void> release(String id, JsonObject plan, Map<String, JsonObject> results) {
    JsonArray pending = plan.getJsonArray("pendingJobs", new JsonArray());
    JsonArray videoJobs = plan.getJsonArray("videoJobs");
    boolean playable =
        (videoJobs.isEmpty() || results.containsKey(videoJobs.getString(0)))
            && (!plan.getBoolean("hasAudio") || results.containsKey("audio"));
    if (pending.isEmpty() || !playable) {
      return Future.succeededFuture();
    }
    long chunksDone = results.keySet().stream().filter(videoJobs::contains).count();
    long chunksHeld = pending.stream().filter(j -> isVideo((JsonObject) j)).count();
    long chunksQueued = videoJobs.size() - chunksHeld;
    long room = chunksDone + plan.getInteger("chunksInFlight", 4) - chunksQueued;
    List<Future<?>> sent = new ArrayList<>();
    JsonArray rest = new JsonArray();
    for (Object o : pending) {
      JsonObject job = (JsonObject) o;
      boolean video = isVideo(job);
      if (video && room <= 0) {
        rest.add(job);
        continue;
      }
      room -= video ? 1 : 0;
      TranscodeMessages.TranscodeJob parsed = TranscodeMessages.TranscodeJob.fromJson(job);
      sent.add(
          producer.send(
              KafkaProducerRecord.create(parsed.topic(), parsed.kafkaKey(), job.encode())));
    }
    if (sent.isEmpty()) {
      return Future.succeededFuture();
    }
    plan.put("pendingJobs", rest);
    return Future.all(sent).compose(v -> state.putPlan(id, plan));
  }

  private static boolean isVideo(JsonObject job) {
    return TranscodeMessages.JobKind.VIDEO.name().equals(job.getString("kind"));
  }

  private Future<?> advance(
      String id, JsonObject plan, Map<String, JsonObject> results, boolean firstPlayable) {
    int total = plan.getJsonArray("jobs").size();
    if (results.size() >= total) {
      return finish(id, plan, results);
    }
    double progress = results.size() / (double) total;
    VodPresentation partial =
        plan.getBoolean("hasVideo") ? PresentationAssembler.assemble(plan, results, true) : null;
    if (partial == null) {
      return videos.progress(id, progress, null);
    }
    // EVENT playlists: playable while the rest is still transcoding.
    Map<String, String> hls = VodManifests.hls(partial, PlaylistType.EVENT);
    return write(id, hls, null)
        .compose(
            v ->
                videos.progress(
                    id, progress, new JsonObject().put("hls", VodKeys.url(id, VodKeys.MASTER))))
        .onSuccess(
            v -> {
              if (firstPlayable) {
                LOG.info("video {}: EVENT playlist published (first playable)", id);
              }
            });
  }

  private Future<?> finish(String id, JsonObject plan, Map<String, JsonObject> results) {
    VodPresentation p = PresentationAssembler.assemble(plan, results, false);
    Map<String, String> hls = VodManifests.hls(p, PlaylistType.VOD);
    String mpd = VodManifests.dash(p);
    JsonObject media = media(id, plan, p);
    return write(id, hls, mpd)
        .compose(v -> videos.ready(id, media))
        .compose(
            outcome ->
                producer.send(
                    KafkaProducerRecord.create(
                        Topics.VIDEO_READY, id, new VideoReady(id, media).toJson().encode())))
        .compose(v -> state.expire(id, STATE_TTL_SECONDS))
        .onSuccess(v -> LOG.info("video {} ready: {} s", id, media.getDouble("duration")));
  }

  /** Media playlists, then the MPD, then the master: a manifest never names a missing file. */
  private Future<Void> write(String id, Map<String, String> hls, String mpd) {
    return vertx.executeBlocking(
        () -> {
          for (Map.Entry<String, String> e : hls.entrySet()) {
            if (!e.getKey().equals(VodKeys.MASTER)) {
              objects.putText(VodKeys.key(id, e.getKey()), e.getValue());
            }
          }
          if (mpd != null) {
            objects.putText(VodKeys.key(id, VodKeys.MPD), mpd);
          }
          objects.putText(VodKeys.key(id, VodKeys.MASTER), hls.get(VodKeys.MASTER));
          return null;
        },
        false);
  }

  private static JsonObject media(String id, JsonObject plan, VodPresentation p) {
    JsonArray rungs = new JsonArray();
    for (VodPresentation.Rendition r : p.video()) {
      rungs.add(
          new JsonObject()
              .put("name", r.name())
              .put("width", r.width())
              .put("height", r.height())
              .put("codecs", r.codec()));
    }
    if (p.audio() != null) {
      rungs.add(
          new JsonObject()
              .put("name", VodKeys.AUDIO)
              .put("codecs", p.audio().codec())
              .put("channels", p.audio().channels())
              .put("sampleRate", p.audio().sampleRate()));
    }
    JsonObject media =
        new JsonObject()
            .put("duration", Math.round(p.durationSeconds() * 1000) / 1000.0)
            .put("rungs", rungs)
            .put("hls", VodKeys.url(id, VodKeys.MASTER))
            .put("dash", VodKeys.url(id, VodKeys.MPD));
    if (plan.getBoolean("hasThumbnails")) {
      media
          .put("thumbnail", VodKeys.url(id, VodKeys.POSTER))
          .put("storyboard", VodKeys.url(id, VodKeys.STORYBOARD_DIR + "/storyboard.vtt"));
    }
    return media;
  }
}
