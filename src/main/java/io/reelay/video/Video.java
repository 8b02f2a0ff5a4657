package io.reelay.video;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Objects;

/**
 * One video record, immutable: change it with the {@code with…} methods and store the result.
 * {@code media} is the open-ended part the transcode pipeline fills in (duration, rungs, hls, dash,
 * thumbnail); it is stored and returned as is.
 *
 * @param size the source size in bytes, or -1 while it is not known yet (deferred length)
 * @param visibility who may list and watch it (public unless its owner says otherwise)
 * @param progress 0..1 of the current phase: bytes received while uploading, transcoding after
 */
public record Video(
    String id,
    String title,
    String owner,
    VideoStatus status,
    String error,
    double progress,
    long size,
    long bytesReceived,
    String sourceKey,
    Instant createdAt,
    Instant updatedAt,
    JsonObject media,
    Visibility visibility) {

  public Video {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    title = title == null ? "" : title;
    visibility = visibility == null ? Visibility.PUBLIC : visibility;
    media = media == null ? new JsonObject() : media.copy();
    progress = Math.max(0, Math.min(1, progress));
  }

  /** A record for an upload that has just started. */
  public static Video uploading(
      String id, String title, String owner, long size, String sourceKey, Instant now) {
    return new Video(
        id, title, owner, VideoStatus.UPLOADING, null, 0, size, 0, sourceKey, now, now, null, null);
  }

  @Override
  public JsonObject media() {
    return media.copy();
  }

  public Video withReceived(long bytesReceived, long size, Instant now) {
    double p = size > 0 ? (double) bytesReceived / size : 0;
    return new Video(
        id,
        title,
        owner,
        status,
        error,
        p,
        size,
        bytesReceived,
        sourceKey,
        createdAt,
        now,
        media,
        visibility);
  }

  public Video withTitle(String newTitle, Instant now) {
    return new Video(
        id,
        newTitle,
        owner,
        status,
        error,
        progress,
        size,
        bytesReceived,
        sourceKey,
        createdAt,
        now,
        media,
        visibility);
  }

  /** The source is complete in the store: transcoding comes next. */
  public Video processing(long finalSize, Instant now) {
    return new Video(
        id,
        title,
        owner,
        VideoStatus.PROCESSING,
        null,
        0,
        finalSize,
        finalSize,
        sourceKey,
        createdAt,
        now,
        media,
        visibility);
  }

  public Video withVisibility(Visibility newVisibility, Instant now) {
    return new Video(
        id,
        title,
        owner,
        status,
        error,
        progress,
        size,
        bytesReceived,
        sourceKey,
        createdAt,
        now,
        media,
        newVisibility);
  }

  public Video failed(String reason, Instant now) {
    return new Video(
        id,
        title,
        owner,
        VideoStatus.FAILED,
        reason,
        progress,
        size,
        bytesReceived,
        sourceKey,
        createdAt,
        now,
        media,
        visibility);
  }

  public Video withMedia(JsonObject newMedia, Instant now) {
    return new Video(
        id,
        title,
        owner,
        status,
        error,
        progress,
        size,
        bytesReceived,
        sourceKey,
        createdAt,
        now,
        newMedia,
        visibility);
  }

  /** Whether {@code userId} (an admin when {@code admin}) may find and watch this video. */
  public boolean watchableBy(String userId, boolean admin) {
    return visibility != Visibility.PRIVATE || admin || owner.equals(userId);
  }

  /** The stored form (everything, including the source key). */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("title", title)
        .put("owner", owner)
        .put("status", status.wire())
        .put("error", error)
        .put("progress", progress)
        .put("size", size)
        .put("bytesReceived", bytesReceived)
        .put("sourceKey", sourceKey)
        .put("createdAt", createdAt.toString())
        .put("updatedAt", updatedAt.toString())
        .put("media", media)
        .put("visibility", visibility.wire());
  }

  public static Video fromJson(JsonObject json) {
    return new Video(
        json.getString("id"),
        json.getString("title"),
        json.getString("owner"),
        VideoStatus.fromWire(json.getString("status")),
        json.getString("error"),
        json.getDouble("progress", 0.0),
        json.getLong("size", -1L),
        json.getLong("bytesReceived", 0L),
        json.getString("sourceKey"),
        Instant.parse(json.getString("createdAt")),
        Instant.parse(json.getString("updatedAt")),
        json.getJsonObject("media"),
        Visibility.fromWire(json.getString("visibility")));
  }

  /**
   * The API form: the contract's fields, with the media fields ({@code duration}, rungs, {@code
   * hls}, {@code dash}, {@code thumbnail}) at the top level, null until the pipeline sets them.
   */
  public JsonObject toApiJson() {
    JsonObject json =
        new JsonObject()
            .put("id", id)
            .put("title", title)
            .put("owner", owner)
            .put("visibility", visibility.wire())
            .put("status", status.wire())
            .put("error", error)
            .put("progress", progress)
            .put("size", size < 0 ? null : size)
            .put("createdAt", createdAt.toString())
            .put("updatedAt", updatedAt.toString())
            .put("duration", null)
            .put("rungs", null)
            .put("hls", null)
            .put("dash", null)
            .put("thumbnail", null);
    if (status == VideoStatus.UPLOADING) {
      json.put("bytesReceived", bytesReceived);
    }
    media.forEach(e -> json.put(e.getKey(), e.getValue()));
    return json;
  }
}
