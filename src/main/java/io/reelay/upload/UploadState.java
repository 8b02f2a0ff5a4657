package io.reelay.upload;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything needed to resume an upload on any node, stored in Redis: how far it is (only bytes
 * durable in S3 count), the S3 multipart upload and its finished parts, the short tail kept as a
 * temporary object until a whole part is there, and who owns it until when.
 *
 * @param length total size, or -1 while deferred (tus creation-defer-length, plain POST)
 * @param offset bytes durable so far: the parts plus the tail
 * @param tailKey temporary object holding the bytes after the last part, or null
 * @param metadata the client's {@code Upload-Metadata} header as sent, echoed on HEAD
 */
record UploadState(
    String id,
    String owner,
    Kind kind,
    long length,
    long offset,
    String sourceKey,
    String s3UploadId,
    List<StoredPart> parts,
    String tailKey,
    long tailSize,
    String metadata,
    Instant createdAt,
    Instant expiresAt) {

  /** How the bytes arrive. */
  enum Kind {
    TUS,
    POST,
    PRESIGN
  }

  /** A finished S3 part. */
  record StoredPart(int number, String etag, long size) {}

  UploadState {
    parts = List.copyOf(parts);
  }

  static UploadState start(
      String id,
      String owner,
      Kind kind,
      long length,
      String s3UploadId,
      String metadata,
      Instant now,
      Instant expiresAt) {
    return new UploadState(
        id,
        owner,
        kind,
        length,
        0,
        sourceKey(id),
        s3UploadId,
        List.of(),
        null,
        0,
        metadata,
        now,
        expiresAt);
  }

  /** Where the finished source lives: deterministic, so a retried completion overwrites. */
  static String sourceKey(String id) {
    return "sources/" + id + "/source";
  }

  /** Prefix of this upload's temporary objects (tails). */
  static String tempPrefix(String id) {
    return "uploads/" + id + "/";
  }

  boolean lengthKnown() {
    return length >= 0;
  }

  /** Every byte is in S3: only the completion (join, record, event) may be left to do. */
  boolean bytesComplete() {
    return lengthKnown() && offset == length;
  }

  boolean expired(Instant now) {
    return !bytesComplete() && !now.isBefore(expiresAt);
  }

  long partsSize() {
    return parts.stream().mapToLong(StoredPart::size).sum();
  }

  UploadState withLength(long newLength) {
    return new UploadState(
        id,
        owner,
        kind,
        newLength,
        offset,
        sourceKey,
        s3UploadId,
        parts,
        tailKey,
        tailSize,
        metadata,
        createdAt,
        expiresAt);
  }

  /** Progress: these parts, then an optional tail, valid until {@code newExpiry}. */
  UploadState withProgress(
      List<StoredPart> newParts, String newTailKey, long newTailSize, Instant newExpiry) {
    long partsBytes = newParts.stream().mapToLong(StoredPart::size).sum();
    return new UploadState(
        id,
        owner,
        kind,
        length,
        partsBytes + newTailSize,
        sourceKey,
        s3UploadId,
        newParts,
        newTailKey,
        newTailSize,
        metadata,
        createdAt,
        newExpiry);
  }

  JsonObject toJson() {
    JsonArray partsJson = new JsonArray();
    parts.forEach(
        p ->
            partsJson.add(
                new JsonObject().put("n", p.number()).put("etag", p.etag()).put("size", p.size())));
    return new JsonObject()
        .put("id", id)
        .put("owner", owner)
        .put("kind", kind.name())
        .put("length", length)
        .put("offset", offset)
        .put("sourceKey", sourceKey)
        .put("s3UploadId", s3UploadId)
        .put("parts", partsJson)
        .put("tailKey", tailKey)
        .put("tailSize", tailSize)
        .put("metadata", metadata)
        .put("createdAt", createdAt.toEpochMilli())
        .put("expiresAt", expiresAt.toEpochMilli());
  }

  static UploadState fromJson(JsonObject json) {
    List<StoredPart> parts = new ArrayList<>();
    json.getJsonArray("parts", new JsonArray())
        .forEach(
            o -> {
              JsonObject p = (JsonObject) o;
              parts.add(new StoredPart(p.getInteger("n"), p.getString("etag"), p.getLong("size")));
            });
    return new UploadState(
        json.getString("id"),
        json.getString("owner"),
        Kind.valueOf(json.getString("kind")),
        json.getLong("length"),
        json.getLong("offset"),
        json.getString("sourceKey"),
        json.getString("s3UploadId"),
        parts,
        json.getString("tailKey"),
        json.getLong("tailSize", 0L),
        json.getString("metadata"),
        Instant.ofEpochMilli(json.getLong("createdAt")),
        Instant.ofEpochMilli(json.getLong("expiresAt")));
  }
}
