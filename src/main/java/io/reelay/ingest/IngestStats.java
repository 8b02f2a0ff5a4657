package io.reelay.ingest;

import io.reelay.live.LiveState;
import io.vertx.core.json.JsonObject;

/**
 * What the ingest measures about one publish, for {@code GET /api/streams/{id}} and the master
 * playlist: bitrate over the last interval, frame rate from video timestamps, keyframe interval and
 * the codecs. Confined to the connection's event loop.
 */
final class IngestStats {
  private long bytes;
  private long bytesAtTick;
  private long tickAtMs = System.currentTimeMillis();
  private long bitrate;

  private long frames;
  private long firstVideoTs = -1;
  private long lastVideoTs = -1;
  private long lastKeyTs = -1;
  private long keyframeIntervalMs;
  private long sinceKeyframeMs;

  void media(int length) {
    bytes += length;
  }

  void videoFrame(long ts, boolean key) {
    frames++;
    if (firstVideoTs < 0) {
      firstVideoTs = ts;
    }
    lastVideoTs = ts;
    if (key) {
      if (lastKeyTs >= 0) {
        keyframeIntervalMs = ts - lastKeyTs;
      }
      lastKeyTs = ts;
    }
    sinceKeyframeMs = lastKeyTs < 0 ? 0 : ts - lastKeyTs;
  }

  /** Media time since the last keyframe: bounds how much one segment can hold. */
  long sinceKeyframeMs() {
    return sinceKeyframeMs;
  }

  double frameRate() {
    long span = lastVideoTs - firstVideoTs;
    return frames < 2 || span <= 0 ? 0 : Math.round((frames - 1) * 1000.0 / span * 100) / 100.0;
  }

  /** Closes the measuring interval and returns the statistics as JSON. */
  JsonObject tick(LiveState snapshot) {
    long now = System.currentTimeMillis();
    long elapsed = Math.max(1, now - tickAtMs);
    bitrate = (bytes - bytesAtTick) * 8 * 1000 / elapsed;
    bytesAtTick = bytes;
    tickAtMs = now;
    JsonObject json =
        new JsonObject()
            .put("bitrate", bitrate)
            .put("frameRate", frameRate())
            .put("keyframeInterval", keyframeIntervalMs / 1000.0)
            .put("bytes", bytes);
    LiveState.Rendition video = snapshot.rendition(LiveState.VIDEO);
    LiveState.Rendition audio = snapshot.rendition(LiveState.AUDIO);
    if (video != null) {
      json.put("videoCodec", video.codecs())
          .put("width", video.width())
          .put("height", video.height());
    }
    if (audio != null) {
      json.put("audioCodec", audio.codecs())
          .put("sampleRate", audio.sampleRate())
          .put("channels", audio.channels());
    }
    return json;
  }
}
