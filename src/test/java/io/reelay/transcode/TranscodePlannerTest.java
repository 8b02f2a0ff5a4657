package io.reelay.transcode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.transcode.media.MediaInfo;
import io.reelay.transcode.media.Rational;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TranscodePlannerTest {
  static final MediaInfo INFO =
      new MediaInfo(
          "mov,mp4,m4a,3gp,3g2,mj2",
          40.0,
          6_000_000,
          new MediaInfo.Video(
              "h264",
              "yuv420p",
              1920,
              1080,
              Rational.of(1, 1),
              0,
              1920,
              1080,
              Rational.of(30, 1),
              Rational.of(30, 1),
              false),
          new MediaInfo.Audio("aac", "LC", 48_000, 2, "stereo"));

  @Test
  @DisplayName("audio and a one-segment first chunk first; thumbnails and the other chunks wait")
  void window() {
    TranscodeSettings s =
        TranscodeSettings.merge(
            TranscodeSettings.defaults(), new JsonObject().put("chunksInFlight", 2));
    TranscodePlanner.Planned p = TranscodePlanner.plan("vid", "sources/vid/a.mp4", INFO, s);
    assertEquals(
        List.of("audio", "v00000"),
        p.jobs().stream().map(TranscodeMessages.TranscodeJob::jobId).toList());
    assertEquals(1, p.jobs().get(1).chunk().segmentCount());
    // 40 s in 4 s segments: a first chunk of 1, then 4 per chunk: 1 + 4 + 4 + 1 = 4 chunks; 3
    // wait with the thumbnails until the first chunk and the audio are in.
    assertEquals(4, p.plan().getJsonArray("videoJobs").size());
    assertEquals(6, p.plan().getJsonArray("jobs").size());
    assertEquals(
        List.of("thumbnails", "v00001", "v00002", "v00003"),
        p.plan().getJsonArray("pendingJobs").stream()
            .map(j -> ((JsonObject) j).getString("jobId"))
            .toList());
    TranscodeMessages.TranscodeJob third =
        TranscodeMessages.TranscodeJob.fromJson(
            p.plan().getJsonArray("pendingJobs").getJsonObject(2));
    assertEquals("v00002", third.jobId());
    assertEquals(600, third.chunk().startFrame()); // segment 5 * 4 s * 30 fps
    assertEquals(4, third.ladder().rungs().size());
    assertEquals(4.0, third.segmentSeconds(), 1e-9);
  }

  @Test
  @DisplayName("per-video overrides are validated and name the bad key")
  void overrides() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                TranscodeSettings.merge(
                    TranscodeSettings.defaults(), new JsonObject().put("x264Preset", "placebo")));
    assertTrue(e.getMessage().startsWith("x264Preset"), e.getMessage());
    TranscodeSettings s =
        TranscodeSettings.merge(
            TranscodeSettings.defaults(), new JsonObject().put("maxFrameRate", 30));
    assertEquals(30, s.ladder().maxFrameRate());
  }
}
