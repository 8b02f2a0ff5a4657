package io.reelay.transcode;

import io.reelay.transcode.TranscodeMessages.TranscodeJob;
import io.reelay.transcode.media.AudioTranscoder;
import io.reelay.transcode.media.ChunkTranscoder;
import io.reelay.transcode.media.MediaException;
import io.reelay.transcode.media.MediaInfo;
import io.reelay.transcode.media.MediaProbe;
import io.reelay.transcode.media.SegmentFacts;
import io.reelay.transcode.media.Thumbnails;
import io.reelay.vod.VodKeys;
import io.reelay.vod.VodObjects;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Does one transcode job, blocking (worker threads only): source from the cache, FFmpeg into a
 * scratch directory, every output to its deterministic S3 key, and returns the facts the reducer
 * needs (per segment: number, duration, decode time, bytes, I-frame range). Running a job twice
 * writes the same keys with the same content.
 */
final class JobRunner {
  private final SourceCache sources;
  private final VodObjects objects;
  private final Path scratch;

  JobRunner(SourceCache sources, VodObjects objects, Path scratch) throws IOException {
    this.sources = sources;
    this.objects = objects;
    this.scratch = Files.createDirectories(scratch);
  }

  JsonObject run(TranscodeJob job) throws IOException, MediaException {
    Path source = sources.get(job.sourceKey());
    Path work = Files.createTempDirectory(scratch, job.videoId() + "-" + job.jobId() + "-");
    try {
      return switch (job.kind()) {
        case VIDEO -> video(job, source, work);
        case AUDIO -> audio(job, source, work);
        case THUMBNAILS -> thumbnails(job, source, work);
      };
    } finally {
      deleteTree(work);
    }
  }

  private JsonObject video(TranscodeJob job, Path source, Path work)
      throws IOException, MediaException {
    ChunkTranscoder.ChunkResult result =
        ChunkTranscoder.transcode(source, job.ladder(), job.chunk(), work);
    JsonArray rungs = new JsonArray();
    for (ChunkTranscoder.RungOutput r : result.rungs()) {
      Path dir = work.resolve(r.rung());
      byte[] init = Files.readAllBytes(dir.resolve("init.mp4"));
      JsonArray segments = new JsonArray();
      for (ChunkTranscoder.SegmentOutput s : r.segments()) {
        String name = VodKeys.segmentName(s.number());
        segments.add(segmentFacts(dir.resolve(name), s.number()));
        objects.putFile(VodKeys.segment(job.videoId(), r.rung(), s.number()), dir.resolve(name));
      }
      objects.putFile(VodKeys.key(job.videoId(), r.rung() + "/init.mp4"), dir.resolve("init.mp4"));
      rungs.add(
          new JsonObject()
              .put("name", r.rung())
              .put("codec", r.codecString())
              .put("width", r.width())
              .put("height", r.height())
              .put("timescale", SegmentFacts.timescale(init))
              .put("segments", segments));
    }
    return new JsonObject().put("kind", "VIDEO").put("rungs", rungs);
  }

  private JsonObject audio(TranscodeJob job, Path source, Path work)
      throws IOException, MediaException {
    AudioTranscoder.AudioResult result =
        AudioTranscoder.transcode(source, job.ladder().audio(), job.segmentSeconds(), work);
    Path dir = work.resolve(VodKeys.AUDIO);
    byte[] init = Files.readAllBytes(dir.resolve("init.mp4"));
    JsonArray segments = new JsonArray();
    for (ChunkTranscoder.SegmentOutput s : result.segments()) {
      String name = VodKeys.segmentName(s.number());
      segments.add(segmentFacts(dir.resolve(name), s.number()));
      objects.putFile(VodKeys.segment(job.videoId(), VodKeys.AUDIO, s.number()), dir.resolve(name));
    }
    objects.putFile(
        VodKeys.key(job.videoId(), VodKeys.AUDIO + "/init.mp4"), dir.resolve("init.mp4"));
    return new JsonObject()
        .put("kind", "AUDIO")
        .put("codec", result.codecString())
        .put("sampleRate", result.sampleRate())
        .put("channels", result.channels())
        .put("bitrate", job.ladder().audio().bitrate())
        .put("timescale", SegmentFacts.timescale(init))
        .put("segments", segments);
  }

  private JsonObject thumbnails(TranscodeJob job, Path source, Path work)
      throws IOException, MediaException {
    MediaInfo info = MediaProbe.probe(source);
    Path poster = Thumbnails.poster(source, info, work.resolve(VodKeys.POSTER));
    objects.putFile(VodKeys.key(job.videoId(), VodKeys.POSTER), poster);
    Path boardDir = work.resolve(VodKeys.STORYBOARD_DIR);
    Thumbnails.Storyboard board =
        Thumbnails.storyboard(
            source,
            info,
            boardDir,
            Thumbnails.StoryboardConfig.forDuration(info.durationSeconds()));
    for (Path sheet : board.sheets()) {
      objects.putFile(
          VodKeys.key(job.videoId(), VodKeys.STORYBOARD_DIR + "/" + sheet.getFileName()), sheet);
    }
    objects.putFile(
        VodKeys.key(job.videoId(), VodKeys.STORYBOARD_DIR + "/storyboard.vtt"), board.vtt());
    return new JsonObject()
        .put("kind", "THUMBNAILS")
        .put("poster", VodKeys.POSTER)
        .put("storyboard", VodKeys.STORYBOARD_DIR + "/storyboard.vtt");
  }

  /** From the segment's moofs only: its media data goes from the file to S3 unread. */
  private static JsonObject segmentFacts(Path file, int number) throws IOException, MediaException {
    SegmentFacts.Facts f = SegmentFacts.of(file);
    return new JsonObject()
        .put("n", number)
        .put("t", f.baseDecodeTime())
        .put("d", f.durationTicks())
        .put("bytes", Files.size(file))
        .put("iframeBytes", f.firstSampleEnd());
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
