package io.reelay.transcode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.hls.PlaylistType;
import io.reelay.manifest.VodManifests;
import io.reelay.manifest.VodPresentation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PresentationAssemblerTest {
  static JsonObject plan() {
    return new JsonObject()
        .put("hasAudio", true)
        .put("frameRate", new JsonObject().put("num", 25).put("den", 1))
        .put("videoJobs", new JsonArray().add("v00000").add("v00001"))
        .put(
            "ladder",
            new JsonObject()
                .put(
                    "rungs",
                    new JsonArray()
                        .add(new JsonObject().put("name", "720p"))
                        .add(new JsonObject().put("name", "360p"))));
  }

  static JsonArray segs(int first, int count) {
    JsonArray a = new JsonArray();
    for (int i = first; i < first + count; i++) {
      a.add(
          new JsonObject()
              .put("n", i)
              .put("t", i * 12800L * 4)
              .put("d", 12800L * 4)
              .put("bytes", 100_000 + i)
              .put("iframeBytes", 20_000));
    }
    return a;
  }

  static JsonObject chunk(int first) {
    JsonArray rungs = new JsonArray();
    for (String r : new String[] {"360p", "720p"}) { // arrival order differs from the plan
      rungs.add(
          new JsonObject()
              .put("name", r)
              .put("codec", "avc1.64001f")
              .put("width", r.equals("720p") ? 1280 : 640)
              .put("height", r.equals("720p") ? 720 : 360)
              .put("timescale", 12800)
              .put("segments", segs(first, 2)));
    }
    return new JsonObject().put("rungs", rungs);
  }

  static JsonObject audio() {
    JsonArray a = new JsonArray();
    for (int i = 0; i < 4; i++) {
      a.add(
          new JsonObject()
              .put("n", i)
              .put("t", i * 192_000L)
              .put("d", 192_000L)
              .put("bytes", 64_000)
              .put("iframeBytes", 64_000));
    }
    return new JsonObject()
        .put("codec", "mp4a.40.2")
        .put("sampleRate", 48000)
        .put("channels", 2)
        .put("timescale", 48000)
        .put("segments", a);
  }

  @Test
  @DisplayName("nothing playable before the audio and the first chunk are in")
  void nothingEarly() {
    Map<String, JsonObject> results = new HashMap<>();
    results.put("v00000", chunk(0));
    assertNull(PresentationAssembler.assemble(plan(), results, true));
    results.clear();
    results.put("audio", audio());
    results.put("v00001", chunk(2));
    assertNull(PresentationAssembler.assemble(plan(), results, true), "chunk 0 missing");
  }

  @Test
  @DisplayName(
      "EVENT playlists show the finished prefix; VOD lists everything, rungs in plan order")
  void eventThenVod() {
    Map<String, JsonObject> results = new HashMap<>();
    results.put("audio", audio());
    results.put("v00000", chunk(0));
    VodPresentation partial = PresentationAssembler.assemble(plan(), results, true);
    assertEquals("720p", partial.video().get(0).name());
    assertEquals(2, partial.audio().segments().size(), "audio trimmed to the video prefix");
    Map<String, String> event = VodManifests.hls(partial, PlaylistType.EVENT);
    String media = event.get("720p/index.m3u8");
    assertTrue(media.contains("#EXT-X-PLAYLIST-TYPE:EVENT"), media);
    assertFalse(media.contains("#EXT-X-ENDLIST"), media);
    assertEquals(2, media.split("#EXTINF").length - 1);

    results.put("v00001", chunk(2));
    VodPresentation full = PresentationAssembler.assemble(plan(), results, false);
    assertEquals(16.0, full.durationSeconds(), 1e-9);
    Map<String, String> vod = VodManifests.hls(full, PlaylistType.VOD);
    String keys = String.join(",", vod.keySet());
    assertTrue(keys.endsWith("master.m3u8"), "master written last: " + keys);
    String master = vod.get("master.m3u8");
    // Peak: largest segment (100003 B / 4 s) + audio (64000 B / 4 s), in bit/s.
    assertTrue(
        master.contains("BANDWIDTH=" + (long) Math.ceil(100_003 * 8 / 4.0 + 64_000 * 8 / 4.0)),
        master);
    assertTrue(master.contains("CODECS=\"avc1.64001f,mp4a.40.2\""), master);
    assertTrue(master.contains("#EXT-X-I-FRAME-STREAM-INF"), master);
    assertTrue(vod.get("360p/iframes.m3u8").contains("#EXT-X-BYTERANGE:20000@0"));
    String mpd = VodManifests.dash(full);
    assertTrue(mpd.contains("type=\"static\"") && mpd.contains("startNumber=\"0\""), mpd);
    assertTrue(mpd.contains("<S t=\"0\" d=\"51200\" r=\"3\"/>"), mpd);
  }
}
