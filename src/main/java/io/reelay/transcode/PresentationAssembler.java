package io.reelay.transcode;

import io.reelay.manifest.VodPresentation;
import io.reelay.transcode.media.Rational;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reduce step: joins the per-job results of a video, in chunk order, into one {@link
 * VodPresentation}. With {@code prefixOnly} it stops at the first chunk still missing, which is
 * what an EVENT playlist may show; it returns null when nothing is playable yet.
 */
final class PresentationAssembler {
  private PresentationAssembler() {}

  static VodPresentation assemble(
      JsonObject plan, Map<String, JsonObject> results, boolean prefixOnly) {
    List<String> videoJobs = plan.getJsonArray("videoJobs").getList();
    JsonObject audioResult = plan.getBoolean("hasAudio") ? results.get("audio") : null;
    if (plan.getBoolean("hasAudio") && audioResult == null) {
      return null; // audio comes as one job; until then no rendition group is complete
    }
    Map<String, RenditionBuilder> rungs = new LinkedHashMap<>();
    int chunksIn = 0;
    for (String jobId : videoJobs) {
      JsonObject r = results.get(jobId);
      if (r == null) {
        if (prefixOnly) {
          break;
        }
        throw new IllegalStateException("result of " + jobId + " missing");
      }
      chunksIn++;
      for (Object o : r.getJsonArray("rungs")) {
        JsonObject rung = (JsonObject) o;
        rungs
            .computeIfAbsent(rung.getString("name"), n -> new RenditionBuilder(rung))
            .add(rung.getJsonArray("segments"));
      }
    }
    if (!videoJobs.isEmpty() && chunksIn == 0) {
      return null;
    }
    List<VodPresentation.Rendition> video = new ArrayList<>();
    // Keep the planned order (highest first), whatever order results arrived in.
    for (Object o : plan.getJsonObject("ladder").getJsonArray("rungs")) {
      RenditionBuilder b = rungs.get(((JsonObject) o).getString("name"));
      if (b != null) {
        video.add(b.build());
      }
    }
    VodPresentation.Audio audio = null;
    if (audioResult != null) {
      List<VodPresentation.Segment> segs = segments(audioResult.getJsonArray("segments"));
      if (prefixOnly && !video.isEmpty()) {
        // An EVENT playlist: audio only as far as the video goes, so both end together.
        int n = video.get(0).segments().size();
        segs = segs.subList(0, Math.min(n, segs.size()));
      }
      audio =
          new VodPresentation.Audio(
              audioResult.getString("codec"),
              audioResult.getInteger("sampleRate"),
              audioResult.getInteger("channels"),
              audioResult.getLong("timescale"),
              segs);
    }
    Rational fps =
        Rational.of(
            plan.getJsonObject("frameRate").getLong("num"),
            plan.getJsonObject("frameRate").getLong("den"));
    double duration;
    if (!video.isEmpty()) {
      VodPresentation.Rendition first = video.get(0);
      long ticks = 0;
      for (VodPresentation.Segment s : first.segments()) {
        ticks += s.ticks();
      }
      duration = ticks / (double) first.timescale();
    } else {
      long ticks = 0;
      for (VodPresentation.Segment s : audio.segments()) {
        ticks += s.ticks();
      }
      duration = ticks / (double) audio.timescale();
    }
    return new VodPresentation(video, audio, fps, duration);
  }

  private static List<VodPresentation.Segment> segments(JsonArray arr) {
    List<VodPresentation.Segment> out = new ArrayList<>();
    for (Object o : arr) {
      JsonObject s = (JsonObject) o;
      out.add(
          new VodPresentation.Segment(
              s.getInteger("n"),
              s.getLong("t"),
              s.getLong("d"),
              s.getLong("bytes"),
              s.getLong("iframeBytes")));
    }
    return out;
  }

  private static final class RenditionBuilder {
    private final JsonObject meta;
    private final List<VodPresentation.Segment> segments = new ArrayList<>();

    RenditionBuilder(JsonObject meta) {
      this.meta = meta;
    }

    void add(JsonArray segs) {
      segments.addAll(segments(segs));
    }

    VodPresentation.Rendition build() {
      return new VodPresentation.Rendition(
          meta.getString("name"),
          meta.getString("codec"),
          meta.getInteger("width"),
          meta.getInteger("height"),
          meta.getLong("timescale"),
          segments);
    }
  }
}
