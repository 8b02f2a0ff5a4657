package io.reelay.transcode.media;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a duration into segments of a whole number of output frames, and those into chunks of
 * whole segments. Frame counts (not seconds) are the unit so every worker agrees on boundaries.
 */
public record ChunkPlan(
    Rational frameRate,
    long totalFrames,
    int segmentFrames,
    List<Segment> segments,
    List<Chunk> chunks) {

  public static final double DEFAULT_SEGMENT_SECONDS = 4.0;

  public ChunkPlan {
    segments = List.copyOf(segments);
    chunks = List.copyOf(chunks);
  }

  /** One output segment; {@code index} is the global segment number used in file names. */
  public record Segment(int index, long startFrame, int frameCount, Rational frameRate) {
    public double startSeconds() {
      return startFrame * (double) frameRate.den() / frameRate.num();
    }

    public double durationSeconds() {
      return frameCount * (double) frameRate.den() / frameRate.num();
    }
  }

  /** A unit of work for one transcode worker: whole segments, self-contained plain values. */
  public record Chunk(
      int index,
      int firstSegment,
      int segmentCount,
      long startFrame,
      long frameCount,
      int segmentFrames,
      Rational frameRate) {
    public double startSeconds() {
      return startFrame * (double) frameRate.den() / frameRate.num();
    }

    public double endSeconds() {
      return (startFrame + frameCount) * (double) frameRate.den() / frameRate.num();
    }
  }

  public static ChunkPlan create(
      double durationSeconds, Rational frameRate, double segmentSeconds, int segmentsPerChunk) {
    return create(durationSeconds, frameRate, segmentSeconds, segmentsPerChunk, segmentsPerChunk);
  }

  /**
   * Like {@link #create(double, Rational, double, int)}, with a first chunk of {@code
   * firstChunkSegments}: a short first chunk is done soonest, so the video becomes playable early.
   */
  public static ChunkPlan create(
      double durationSeconds,
      Rational frameRate,
      double segmentSeconds,
      int segmentsPerChunk,
      int firstChunkSegments) {
    if (!(durationSeconds > 0)
        || !(segmentSeconds > 0)
        || segmentsPerChunk < 1
        || firstChunkSegments < 1) {
      throw new IllegalArgumentException("duration, segment length and chunk size must be > 0");
    }
    long total = Math.max(1, Math.round(durationSeconds * frameRate.value()));
    int segFrames = (int) Math.max(1, Math.round(segmentSeconds * frameRate.value()));
    List<Segment> segments = new ArrayList<>();
    for (long f = 0; f < total; f += segFrames) {
      segments.add(
          new Segment(segments.size(), f, (int) Math.min(segFrames, total - f), frameRate));
    }
    List<Chunk> chunks = new ArrayList<>();
    for (int s = 0; s < segments.size(); ) {
      int count =
          Math.min(chunks.isEmpty() ? firstChunkSegments : segmentsPerChunk, segments.size() - s);
      long start = segments.get(s).startFrame();
      Segment last = segments.get(s + count - 1);
      long frames = last.startFrame() + last.frameCount() - start;
      chunks.add(new Chunk(chunks.size(), s, count, start, frames, segFrames, frameRate));
      s += count;
    }
    return new ChunkPlan(frameRate, total, segFrames, segments, chunks);
  }

  /** Plan for a ladder's output frame rate. */
  public static ChunkPlan create(
      MediaInfo info, Ladder ladder, double segmentSeconds, int segmentsPerChunk) {
    return create(info.durationSeconds(), ladder.frameRate(), segmentSeconds, segmentsPerChunk);
  }

  /** Plan for a ladder's output frame rate, with a first chunk of {@code firstChunkSegments}. */
  public static ChunkPlan create(
      MediaInfo info,
      Ladder ladder,
      double segmentSeconds,
      int segmentsPerChunk,
      int firstChunkSegments) {
    return create(
        info.durationSeconds(),
        ladder.frameRate(),
        segmentSeconds,
        segmentsPerChunk,
        firstChunkSegments);
  }
}
