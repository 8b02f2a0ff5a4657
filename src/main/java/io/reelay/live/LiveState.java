package io.reelay.live;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a live stream's playlists are made from, as stored in Redis (one small JSON document per
 * stream, rewritten by the single ingest writer after the bytes it names are stored). Any delivery
 * process can render HLS and DASH from it without talking to the ingest process.
 */
public record LiveState(
    String streamId,
    long startedAtMs,
    double segmentTarget,
    double partTarget,
    boolean ended,
    long discontinuitySequence,
    Map<String, Rendition> renditions) {

  public static final String VIDEO = "source";
  public static final String AUDIO = "audio";

  /** One part: duration in seconds and whether it starts with a keyframe. */
  public record PartEntry(double duration, boolean independent) {}

  /** One finished segment: media time, wall clock of its first sample, and its parts. */
  public record SegmentEntry(
      long msn,
      double start,
      double duration,
      long pdtMs,
      boolean discontinuity,
      int initGeneration,
      List<PartEntry> parts) {}

  /** A rendition's codec description, its recent segments and the parts of the one in progress. */
  public record Rendition(
      String name,
      boolean video,
      String codecs,
      int width,
      int height,
      double frameRate,
      int sampleRate,
      int channels,
      long averageBandwidth,
      long peakBandwidth,
      int initGeneration,
      long nextMsn,
      List<SegmentEntry> segments,
      List<PartEntry> pending) {

    public long lastMsn() {
      return segments.isEmpty() ? nextMsn - 1 : segments.get(segments.size() - 1).msn();
    }

    /**
     * True once part {@code part} of segment {@code msn} (or the whole segment when {@code part} is
     * null) can be served: every segment before the one in progress is complete.
     */
    public boolean has(long msn, Integer part) {
      if (msn < nextMsn) {
        return true;
      }
      return msn == nextMsn && part != null && part < pending.size();
    }
  }

  public Rendition rendition(String name) {
    return renditions.get(name);
  }

  public JsonObject toJson() {
    JsonObject rs = new JsonObject();
    renditions.forEach((name, r) -> rs.put(name, renditionJson(r)));
    return new JsonObject()
        .put("streamId", streamId)
        .put("startedAt", startedAtMs)
        .put("segmentTarget", segmentTarget)
        .put("partTarget", partTarget)
        .put("ended", ended)
        .put("discontinuitySequence", discontinuitySequence)
        .put("renditions", rs);
  }

  private static JsonObject renditionJson(Rendition r) {
    JsonArray segs = new JsonArray();
    for (SegmentEntry s : r.segments()) {
      segs.add(
          new JsonObject()
              .put("msn", s.msn())
              .put("start", s.start())
              .put("duration", s.duration())
              .put("pdt", s.pdtMs())
              .put("disc", s.discontinuity())
              .put("gen", s.initGeneration())
              .put("parts", partsJson(s.parts())));
    }
    return new JsonObject()
        .put("video", r.video())
        .put("codecs", r.codecs())
        .put("width", r.width())
        .put("height", r.height())
        .put("frameRate", r.frameRate())
        .put("sampleRate", r.sampleRate())
        .put("channels", r.channels())
        .put("avgBandwidth", r.averageBandwidth())
        .put("peakBandwidth", r.peakBandwidth())
        .put("initGen", r.initGeneration())
        .put("nextMsn", r.nextMsn())
        .put("segments", segs)
        .put("pending", partsJson(r.pending()));
  }

  private static JsonArray partsJson(List<PartEntry> parts) {
    JsonArray a = new JsonArray();
    parts.forEach(p -> a.add(new JsonArray().add(p.duration()).add(p.independent())));
    return a;
  }

  private static List<PartEntry> parts(JsonArray a) {
    List<PartEntry> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      JsonArray p = a.getJsonArray(i);
      out.add(new PartEntry(p.getDouble(0), p.getBoolean(1)));
    }
    return out;
  }

  public static LiveState fromJson(JsonObject json) {
    Map<String, Rendition> rs = new LinkedHashMap<>();
    JsonObject renditions = json.getJsonObject("renditions", new JsonObject());
    for (String name : renditions.fieldNames()) {
      JsonObject r = renditions.getJsonObject(name);
      List<SegmentEntry> segs = new ArrayList<>();
      JsonArray a = r.getJsonArray("segments", new JsonArray());
      for (int i = 0; i < a.size(); i++) {
        JsonObject s = a.getJsonObject(i);
        segs.add(
            new SegmentEntry(
                s.getLong("msn"),
                s.getDouble("start"),
                s.getDouble("duration"),
                s.getLong("pdt"),
                s.getBoolean("disc", false),
                s.getInteger("gen", 0),
                parts(s.getJsonArray("parts", new JsonArray()))));
      }
      rs.put(
          name,
          new Rendition(
              name,
              r.getBoolean("video"),
              r.getString("codecs"),
              r.getInteger("width", 0),
              r.getInteger("height", 0),
              r.getDouble("frameRate", 0.0),
              r.getInteger("sampleRate", 0),
              r.getInteger("channels", 0),
              r.getLong("avgBandwidth", 0L),
              r.getLong("peakBandwidth", 0L),
              r.getInteger("initGen", 0),
              r.getLong("nextMsn", 0L),
              List.copyOf(segs),
              List.copyOf(parts(r.getJsonArray("pending", new JsonArray())))));
    }
    return new LiveState(
        json.getString("streamId"),
        json.getLong("startedAt"),
        json.getDouble("segmentTarget"),
        json.getDouble("partTarget"),
        json.getBoolean("ended", false),
        json.getLong("discontinuitySequence", 0L),
        java.util.Collections.unmodifiableMap(rs));
  }
}
