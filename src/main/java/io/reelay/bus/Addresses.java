package io.reelay.bus;

/** Every event-bus address Reelay uses, in one place. */
public final class Addresses {
  private Addresses() {}

  /** Each verticle answers its own status address with a small JSON description of itself. */
  public static final String INGEST_STATUS = "reelay.ingest.status";

  public static final String UPLOAD_STATUS = "reelay.upload.status";
  public static final String DISPATCH_STATUS = "reelay.transcode.dispatch.status";
  public static final String LIVE_TO_VOD_STATUS = "reelay.livevod.status";
  public static final String WORKER_STATUS = "reelay.transcode.worker.status";
  public static final String CACHE_STATUS = "reelay.cache.status";
  public static final String MANIFEST_STATUS = "reelay.manifest.status";
  public static final String DELIVERY_STATUS = "reelay.delivery.status";

  /** Segment cache: store bytes under a key with a TTL / fetch them back. */
  public static final String CACHE_PUT = "reelay.cache.put";

  public static final String CACHE_GET = "reelay.cache.get";

  /** Published (not sent) when a backing service changes state, for logs and metrics. */
  public static final String HEALTH_CHANGED = "reelay.health.changed";
}
