package io.reelay.bus;

/** Kafka topics: jobs and domain events. Keyed by video or stream id. */
public final class Topics {
  private Topics() {}

  public static final String VIDEO_UPLOADED = "reelay.video.uploaded";
  public static final String CHUNK_JOBS = "reelay.transcode.chunk-jobs";

  /** A video's audio job: its own consumer on each worker, so it runs beside the first chunk. */
  public static final String AUDIO_JOBS = "reelay.transcode.audio-jobs";

  public static final String LIVE_CHUNK_JOBS = "reelay.transcode.live-chunk-jobs";
  public static final String CHUNK_DONE = "reelay.transcode.chunk-done";
  public static final String VIDEO_READY = "reelay.video.ready";
  public static final String STREAM_EVENTS = "reelay.stream.events";
}
