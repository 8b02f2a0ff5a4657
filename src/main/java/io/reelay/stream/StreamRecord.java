package io.reelay.stream;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * A live stream as stored in Redis (hash {@code reelay:stream:{id}}): who owns it, its title, the
 * hash of its key and where it is in its lifecycle. {@code session} counts accepted publishes, so a
 * grace timer can tell whether its publisher came back in the meantime.
 */
public record StreamRecord(
    String id,
    String ownerId,
    String title,
    long createdAtMs,
    String keyHash,
    State state,
    long session,
    long startedAtMs,
    long endedAtMs) {

  /** Lifecycle: never published, being published (or within the reconnect grace), finished. */
  public enum State {
    IDLE,
    LIVE,
    ENDED;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  static StreamRecord fromHash(Map<String, String> h) {
    return new StreamRecord(
        h.get("id"),
        h.get("owner"),
        h.getOrDefault("title", ""),
        Long.parseLong(h.getOrDefault("createdAt", "0")),
        h.get("keyHash"),
        State.valueOf(h.getOrDefault("state", "IDLE")),
        Long.parseLong(h.getOrDefault("session", "0")),
        Long.parseLong(h.getOrDefault("startedAt", "0")),
        Long.parseLong(h.getOrDefault("endedAt", "0")));
  }

  /** The public view: never the key or its hash. */
  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("id", id)
            .put("title", title)
            .put("owner", ownerId)
            .put("state", state.wire())
            .put("createdAt", java.time.Instant.ofEpochMilli(createdAtMs).toString())
            .put("hls", "/live/" + id + "/master.m3u8")
            .put("dash", "/live/" + id + "/manifest.mpd");
    if (startedAtMs > 0) {
      json.put("startedAt", java.time.Instant.ofEpochMilli(startedAtMs).toString());
    }
    if (state == State.ENDED && endedAtMs > 0) {
      json.put("endedAt", java.time.Instant.ofEpochMilli(endedAtMs).toString());
    }
    return json;
  }
}
