package io.reelay.transcode;

import io.reelay.transcode.TranscodeMessages.JobKind;
import io.reelay.transcode.TranscodeMessages.TranscodeJob;
import io.reelay.transcode.media.ChunkPlan;
import io.reelay.transcode.media.Ladder;
import io.reelay.transcode.media.LadderPlanner;
import io.reelay.transcode.media.MediaInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The map step: from a probed source to its jobs. The audio (one job, needed by every playlist) and
 * a short first chunk first, then thumbnails, then the other chunks in order, so the first segments
 * become playable early. Pure: no I/O.
 */
final class TranscodePlanner {
  private TranscodePlanner() {}

  /**
   * The plan as stored in Redis, and the jobs to publish now: the audio and the first chunk. The
   * others wait in the plan ({@code pendingJobs}); the reducer releases them, {@code
   * chunksInFlight} chunks ahead of the finished ones. Kafka does not keep order across partitions,
   * so queueing every chunk at once would let a worker start anywhere in the video; the window
   * keeps the first segments first.
   */
  record Planned(JsonObject plan, List<TranscodeJob> jobs) {}

  static Planned plan(
      String videoId, String sourceKey, MediaInfo info, TranscodeSettings settings) {
    Ladder ladder = LadderPlanner.plan(info, settings.ladder());
    List<TranscodeJob> jobs = new ArrayList<>();
    JsonArray videoJobs = new JsonArray();
    double segmentSeconds = settings.segmentSeconds();
    long totalFrames = 0;
    int segmentFrames = 0;
    if (!ladder.rungs().isEmpty()) {
      ChunkPlan chunks =
          ChunkPlan.create(
              info,
              ladder,
              settings.segmentSeconds(),
              settings.segmentsPerChunk(),
              settings.firstChunkSegments());
      segmentFrames = chunks.segmentFrames();
      totalFrames = chunks.totalFrames();
      // Audio segments must share the video grid exactly: whole frames, not nominal seconds.
      segmentSeconds =
          chunks.segmentFrames() * (double) ladder.frameRate().den() / ladder.frameRate().num();
      for (ChunkPlan.Chunk c : chunks.chunks()) {
        String id = String.format(Locale.ROOT, "v%05d", c.index());
        videoJobs.add(id);
        jobs.add(
            new TranscodeJob(videoId, id, JobKind.VIDEO, sourceKey, ladder, c, segmentSeconds));
      }
    }
    List<TranscodeJob> ordered = new ArrayList<>();
    if (ladder.audio() != null) {
      ordered.add(
          new TranscodeJob(
              videoId, "audio", JobKind.AUDIO, sourceKey, ladder, null, segmentSeconds));
    }
    if (!jobs.isEmpty()) {
      ordered.add(jobs.get(0));
    }
    if (info.hasVideo()) {
      ordered.add(
          new TranscodeJob(
              videoId, "thumbnails", JobKind.THUMBNAILS, sourceKey, ladder, null, segmentSeconds));
    }
    ordered.addAll(jobs.subList(Math.min(1, jobs.size()), jobs.size()));
    JsonArray all = new JsonArray();
    ordered.forEach(j -> all.add(j.jobId()));
    // Only the audio and the first chunk run at first: nothing plays without both. The reducer
    // releases the rest once they are in; the thumbnails too, as no viewer waits for them.
    List<TranscodeJob> now = new ArrayList<>();
    JsonArray pending = new JsonArray();
    for (TranscodeJob j : ordered) {
      if (jobs.isEmpty() || j.kind() == JobKind.AUDIO || j == jobs.get(0)) {
        now.add(j);
      } else {
        pending.add(j.toJson());
      }
    }
    JsonObject plan =
        new JsonObject()
            .put("videoId", videoId)
            .put("sourceKey", sourceKey)
            .put("ladder", TranscodeMessages.ladderJson(ladder))
            .put("frameRate", TranscodeMessages.rationalJson(ladder.frameRate()))
            .put("segmentFrames", segmentFrames)
            .put("segmentSeconds", segmentSeconds)
            .put("totalFrames", totalFrames)
            .put("sourceDuration", info.durationSeconds())
            .put("hasAudio", ladder.audio() != null)
            .put("hasVideo", !ladder.rungs().isEmpty())
            .put("hasThumbnails", info.hasVideo())
            .put("videoJobs", videoJobs)
            .put("jobs", all)
            .put("maxAttempts", settings.maxAttempts())
            .put("chunksInFlight", settings.chunksInFlight())
            .put("pendingJobs", pending)
            .put("published", false);
    return new Planned(plan, now);
  }
}
