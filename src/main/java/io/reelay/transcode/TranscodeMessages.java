package io.reelay.transcode;

import io.reelay.bus.Topics;
import io.reelay.transcode.media.ChunkPlan;
import io.reelay.transcode.media.Ladder;
import io.reelay.transcode.media.Rational;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Every Kafka message of the VOD pipeline as a typed record, with its JSON form. Messages are
 * self-contained: a worker needs nothing but the job to do it.
 */
public final class TranscodeMessages {
  private TranscodeMessages() {}

  /**
   * {@code reelay.video.uploaded}, keyed by video id: the source is complete in S3.
   *
   * @param ladder per-video ladder overrides (see {@code TranscodeSettings}), or null
   */
  public record VideoUploaded(String videoId, String sourceKey, JsonObject ladder) {
    public VideoUploaded {
      Objects.requireNonNull(videoId, "videoId");
      Objects.requireNonNull(sourceKey, "sourceKey");
    }

    public JsonObject toJson() {
      return new JsonObject()
          .put("videoId", videoId)
          .put("sourceKey", sourceKey)
          .put("ladder", ladder);
    }

    public static VideoUploaded fromJson(JsonObject json) {
      return new VideoUploaded(
          json.getString("videoId"), json.getString("sourceKey"), json.getJsonObject("ladder"));
    }
  }

  /** What a job produces. */
  public enum JobKind {
    /** One chunk of whole segments, every rung from one decode. */
    VIDEO,
    /** The whole audio track, once. */
    AUDIO,
    /** Poster and storyboard. */
    THUMBNAILS
  }

  /**
   * {@code reelay.transcode.chunk-jobs}, keyed {@code videoId:jobId} so one video's jobs spread
   * over partitions.
   *
   * @param chunk the chunk (VIDEO jobs only)
   * @param segmentSeconds exact segment duration (segment frames / frame rate)
   */
  public record TranscodeJob(
      String videoId,
      String jobId,
      JobKind kind,
      String sourceKey,
      Ladder ladder,
      ChunkPlan.Chunk chunk,
      double segmentSeconds) {

    public String kafkaKey() {
      return videoId + ":" + jobId;
    }

    /**
     * The audio job has a topic of its own: a worker takes it beside the chunk it is encoding
     * (audio is mostly I/O), so the first playable does not wait for chunk 0 and audio in turn.
     */
    public String topic() {
      return kind == JobKind.AUDIO ? Topics.AUDIO_JOBS : Topics.CHUNK_JOBS;
    }

    public JsonObject toJson() {
      return new JsonObject()
          .put("videoId", videoId)
          .put("jobId", jobId)
          .put("kind", kind.name())
          .put("sourceKey", sourceKey)
          .put("ladder", ladderJson(ladder))
          .put("chunk", chunk == null ? null : chunkJson(chunk))
          .put("segmentSeconds", segmentSeconds);
    }

    public static TranscodeJob fromJson(JsonObject json) {
      JsonObject chunk = json.getJsonObject("chunk");
      return new TranscodeJob(
          json.getString("videoId"),
          json.getString("jobId"),
          JobKind.valueOf(json.getString("kind")),
          json.getString("sourceKey"),
          ladderFromJson(json.getJsonObject("ladder")),
          chunk == null ? null : chunkFromJson(chunk),
          json.getDouble("segmentSeconds"));
    }
  }

  /**
   * {@code reelay.transcode.chunk-done}, keyed by video id (one reducer sees a video's results in
   * order).
   *
   * @param error null on success, else why the job gave up (shown to the user)
   * @param result what the job wrote (segment facts), null on error
   */
  public record JobDone(String videoId, String jobId, String error, JsonObject result) {
    public boolean ok() {
      return error == null;
    }

    public JsonObject toJson() {
      return new JsonObject()
          .put("videoId", videoId)
          .put("jobId", jobId)
          .put("error", error)
          .put("result", result);
    }

    public static JobDone fromJson(JsonObject json) {
      return new JobDone(
          json.getString("videoId"),
          json.getString("jobId"),
          json.getString("error"),
          json.getJsonObject("result"));
    }
  }

  /** {@code reelay.video.ready}, keyed by video id: playable, with its URLs. */
  public record VideoReady(String videoId, JsonObject media) {
    public JsonObject toJson() {
      return new JsonObject().put("videoId", videoId).put("media", media);
    }
  }

  public static JsonObject ladderJson(Ladder l) {
    JsonArray rungs = new JsonArray();
    for (Ladder.Rung r : l.rungs()) {
      rungs.add(
          new JsonObject()
              .put("name", r.name())
              .put("width", r.width())
              .put("height", r.height())
              .put("bitrate", r.bitrate())
              .put("maxBitrate", r.maxBitrate())
              .put("bufferSize", r.bufferSize())
              .put("profile", r.profile()));
    }
    Ladder.Audio a = l.audio();
    return new JsonObject()
        .put("rungs", rungs)
        .put("frameRate", rationalJson(l.frameRate()))
        .put("rotation", l.rotation())
        .put("x264Preset", l.x264Preset())
        .put(
            "audio",
            a == null
                ? null
                : new JsonObject()
                    .put("codec", a.codec())
                    .put("bitrate", a.bitrate())
                    .put("channels", a.channels())
                    .put("sampleRate", a.sampleRate())
                    .put("copy", a.copy()));
  }

  public static Ladder ladderFromJson(JsonObject json) {
    List<Ladder.Rung> rungs = new ArrayList<>();
    for (Object o : json.getJsonArray("rungs")) {
      JsonObject r = (JsonObject) o;
      rungs.add(
          new Ladder.Rung(
              r.getString("name"),
              r.getInteger("width"),
              r.getInteger("height"),
              r.getInteger("bitrate"),
              r.getInteger("maxBitrate"),
              r.getInteger("bufferSize"),
              r.getString("profile")));
    }
    JsonObject a = json.getJsonObject("audio");
    Ladder.Audio audio =
        a == null
            ? null
            : new Ladder.Audio(
                a.getString("codec"),
                a.getInteger("bitrate"),
                a.getInteger("channels"),
                a.getInteger("sampleRate"),
                a.getBoolean("copy"));
    return new Ladder(
        rungs,
        rationalFromJson(json.getJsonObject("frameRate")),
        json.getInteger("rotation"),
        json.getString("x264Preset"),
        audio);
  }

  static JsonObject chunkJson(ChunkPlan.Chunk c) {
    return new JsonObject()
        .put("index", c.index())
        .put("firstSegment", c.firstSegment())
        .put("segmentCount", c.segmentCount())
        .put("startFrame", c.startFrame())
        .put("frameCount", c.frameCount())
        .put("segmentFrames", c.segmentFrames())
        .put("frameRate", rationalJson(c.frameRate()));
  }

  static ChunkPlan.Chunk chunkFromJson(JsonObject j) {
    return new ChunkPlan.Chunk(
        j.getInteger("index"),
        j.getInteger("firstSegment"),
        j.getInteger("segmentCount"),
        j.getLong("startFrame"),
        j.getLong("frameCount"),
        j.getInteger("segmentFrames"),
        rationalFromJson(j.getJsonObject("frameRate")));
  }

  static JsonObject rationalJson(Rational r) {
    return new JsonObject().put("num", r.num()).put("den", r.den());
  }

  static Rational rationalFromJson(JsonObject j) {
    return Rational.of(j.getLong("num"), j.getLong("den"));
  }
}
