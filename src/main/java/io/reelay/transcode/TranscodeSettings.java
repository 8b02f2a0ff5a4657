package io.reelay.transcode;

import io.reelay.transcode.media.LadderConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The knobs of VOD transcoding, from the dispatch verticle's config ({@code
 * REELAY_TRANSCODE_DISPATCH_CONFIG}) and, per video, from the {@code ladder} object of its uploaded
 * event. Keys: {@code rungs} ([{name, height, bitrateKbps}]), {@code maxFrameRate}, {@code
 * x264Preset}, {@code profile}, {@code audioBitrate}, {@code allowAudioCopy}, {@code
 * segmentSeconds}, {@code segmentsPerChunk}, {@code firstChunkSegments} (the first chunk is short,
 * so the video is playable soon), {@code maxAttempts}, {@code chunksInFlight}. Out-of-range values
 * are rejected with a message naming the key.
 */
public record TranscodeSettings(
    LadderConfig ladder,
    double segmentSeconds,
    int segmentsPerChunk,
    int firstChunkSegments,
    int maxAttempts,
    int chunksInFlight) {

  private static final Set<String> PRESETS =
      Set.of("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower");

  public static TranscodeSettings defaults() {
    // 16 s chunks after a one-segment first one: each chunk pays a decoder and four encoders
    // starting (and their frame threads draining at the end), so fewer, longer chunks cost less
    // CPU; 60 s still makes five jobs to share between workers.
    return new TranscodeSettings(LadderConfig.defaults(), 4.0, 4, 1, 3, 4);
  }

  /** {@code base} with the keys present in {@code json} replaced. */
  public static TranscodeSettings merge(TranscodeSettings base, JsonObject json) {
    if (json == null || json.isEmpty()) {
      return base;
    }
    LadderConfig l = base.ladder;
    List<LadderConfig.RungSpec> rungs = l.rungs();
    if (json.containsKey("rungs")) {
      JsonArray arr = json.getJsonArray("rungs");
      if (arr == null || arr.isEmpty() || arr.size() > 8) {
        throw new IllegalArgumentException("ladder.rungs: 1 to 8 rungs");
      }
      rungs = new ArrayList<>();
      for (Object o : arr) {
        JsonObject r = (JsonObject) o;
        int h = r.getInteger("height", 0);
        int kbps = r.getInteger("bitrateKbps", 0);
        String name = r.getString("name", h + "p");
        if (h < 64 || h > 4320 || kbps < 50 || kbps > 100_000 || !name.matches("[a-z0-9]{1,16}")) {
          throw new IllegalArgumentException(
              "ladder.rungs: height 64..4320, bitrateKbps 50..100000, name [a-z0-9]{1,16}");
        }
        rungs.add(new LadderConfig.RungSpec(name, h, kbps));
      }
      rungs.sort((a, b) -> Integer.compare(b.height(), a.height()));
    }
    int maxFps = json.getInteger("maxFrameRate", l.maxFrameRate());
    require(maxFps >= 1 && maxFps <= 120, "maxFrameRate: 1..120");
    String preset = json.getString("x264Preset", l.x264Preset());
    require(PRESETS.contains(preset), "x264Preset: one of " + PRESETS);
    String profile = json.getString("profile", l.profile());
    require(Set.of("high", "main").contains(profile), "profile: high or main");
    int audioBitrate = json.getInteger("audioBitrate", l.audioBitrate());
    require(audioBitrate >= 32_000 && audioBitrate <= 320_000, "audioBitrate: 32000..320000");
    boolean copy = json.getBoolean("allowAudioCopy", l.allowAudioCopy());
    double seg = json.getDouble("segmentSeconds", base.segmentSeconds);
    require(seg >= 1 && seg <= 10, "segmentSeconds: 1..10");
    int perChunk = json.getInteger("segmentsPerChunk", base.segmentsPerChunk);
    require(perChunk >= 1 && perChunk <= 100, "segmentsPerChunk: 1..100");
    int first = json.getInteger("firstChunkSegments", base.firstChunkSegments);
    require(first >= 1 && first <= 100, "firstChunkSegments: 1..100");
    int attempts = json.getInteger("maxAttempts", base.maxAttempts);
    require(attempts >= 1 && attempts <= 10, "maxAttempts: 1..10");
    int inFlight = json.getInteger("chunksInFlight", base.chunksInFlight);
    require(inFlight >= 1 && inFlight <= 1000, "chunksInFlight: 1..1000");
    return new TranscodeSettings(
        new LadderConfig(rungs, maxFps, preset, profile, audioBitrate, copy),
        seg,
        perChunk,
        first,
        attempts,
        inFlight);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
