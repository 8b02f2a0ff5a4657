package io.reelay.config;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Limits of the upload capability: how large, how many at once per user, how long an idle upload
 * lives, the S3 part size, and when a stalled connection is cut.
 *
 * @param maxSize largest upload accepted, advertised as {@code Tus-Max-Size}
 * @param maxConcurrent unfinished uploads one user may have at once (the admin is not limited)
 * @param expiry an upload untouched this long is aborted and cleaned up
 * @param partSize S3 multipart part size: bytes are buffered on disk up to this, then sent
 * @param stallTimeout a request body moving fewer than {@code stallMinBytes} in this time is cut
 * @param stallMinBytes see {@code stallTimeout}
 * @param singlePutMax largest presigned upload sent in one PUT; larger ones get presigned multipart
 *     part URLs of {@code partSize} (S3 takes at most 5 GiB in one PUT)
 * @param warmupBytes bytes a node sends through its own tus endpoint once it has started (into a
 *     scratch upload it then terminates), so the JIT compiles the upload path before the first real
 *     upload; 0 (the default) turns it off
 */
public record UploadSettings(
    long maxSize,
    int maxConcurrent,
    Duration expiry,
    long partSize,
    Duration stallTimeout,
    long stallMinBytes,
    long singlePutMax,
    long warmupBytes) {

  /** S3 refuses non-final parts below 5 MiB and uploads of more than 10,000 parts. */
  public static final long MIN_PART_SIZE = 5L << 20;

  public static final long MAX_PART_SIZE = 5L << 30;
  public static final int MAX_PARTS = 10_000;

  /** Without the warm-up. */
  public UploadSettings(
      long maxSize,
      int maxConcurrent,
      Duration expiry,
      long partSize,
      Duration stallTimeout,
      long stallMinBytes,
      long singlePutMax) {
    this(maxSize, maxConcurrent, expiry, partSize, stallTimeout, stallMinBytes, singlePutMax, 0);
  }

  /** With the default presigned single-PUT limit (5 GiB, S3's own). */
  public UploadSettings(
      long maxSize,
      int maxConcurrent,
      Duration expiry,
      long partSize,
      Duration stallTimeout,
      long stallMinBytes) {
    this(maxSize, maxConcurrent, expiry, partSize, stallTimeout, stallMinBytes, MAX_PART_SIZE);
  }

  public static UploadSettings load(Settings s) {
    long maxSize = s.bytes("REELAY_UPLOAD_MAX_SIZE", 20L << 30);
    long partSize = s.bytes("REELAY_UPLOAD_PART_SIZE", 8L << 20);
    if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
      throw new ConfigException("REELAY_UPLOAD_PART_SIZE", "must be between 5MiB and 5GiB");
    }
    if ((maxSize + partSize - 1) / partSize > MAX_PARTS) {
      throw new ConfigException(
          "REELAY_UPLOAD_PART_SIZE",
          "S3 allows 10000 parts: REELAY_UPLOAD_MAX_SIZE needs a part size of at least "
              + (maxSize + MAX_PARTS - 1) / MAX_PARTS
              + " bytes");
    }
    long concurrent = s.positiveLong("REELAY_UPLOAD_MAX_CONCURRENT", 4);
    if (concurrent > 10_000) {
      throw new ConfigException("REELAY_UPLOAD_MAX_CONCURRENT", "must be at most 10000");
    }
    long singlePutMax = s.bytes("REELAY_UPLOAD_SINGLE_PUT_MAX", MAX_PART_SIZE);
    if (singlePutMax < 1 || singlePutMax > MAX_PART_SIZE) {
      throw new ConfigException("REELAY_UPLOAD_SINGLE_PUT_MAX", "must be between 1 byte and 5GiB");
    }
    // "0" turns it off (every other size must be positive).
    long warmup =
        "0".equals(s.get("REELAY_UPLOAD_WARMUP", "0")) ? 0 : s.bytes("REELAY_UPLOAD_WARMUP", 0);
    if (warmup < 0 || warmup >= maxSize) {
      throw new ConfigException(
          "REELAY_UPLOAD_WARMUP", "must be between 0 (off) and REELAY_UPLOAD_MAX_SIZE");
    }
    return new UploadSettings(
        maxSize,
        (int) concurrent,
        s.duration("REELAY_UPLOAD_EXPIRY", Duration.ofHours(24)),
        partSize,
        s.duration("REELAY_UPLOAD_STALL_TIMEOUT", Duration.ofSeconds(30)),
        s.bytes("REELAY_UPLOAD_STALL_MIN_BYTES", 16L << 10),
        singlePutMax,
        warmup);
  }

  public static UploadSettings defaults() {
    return load(new Settings(java.util.Map.of(), java.util.Map.of()));
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("maxSize", maxSize)
        .put("maxConcurrent", maxConcurrent)
        .put("expirySeconds", expiry.toSeconds())
        .put("partSize", partSize)
        .put("stallTimeoutMillis", stallTimeout.toMillis())
        .put("stallMinBytes", stallMinBytes)
        .put("singlePutMax", singlePutMax)
        .put("warmupBytes", warmupBytes);
  }

  public static UploadSettings fromJson(JsonObject json) {
    if (json == null) {
      return defaults();
    }
    return new UploadSettings(
        json.getLong("maxSize"),
        json.getInteger("maxConcurrent"),
        Duration.ofSeconds(json.getLong("expirySeconds")),
        json.getLong("partSize"),
        Duration.ofMillis(json.getLong("stallTimeoutMillis")),
        json.getLong("stallMinBytes"),
        json.getLong("singlePutMax", MAX_PART_SIZE),
        json.getLong("warmupBytes", 0L));
  }
}
