package io.reelay.vod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.testing.TestMedia;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upload event to playable video through real Kafka, Redis, S3 and FFmpeg, for the shapes of source
 * users send. Each presentation is then read back over HTTP by ffmpeg/ffprobe as an independent
 * player: every rung decodes to the end, rungs agree on segment durations, keyframes sit on segment
 * boundaries and the duration matches the source within a frame.
 */
class VodPipelineTest {
  static final Duration TIMEOUT = Duration.ofSeconds(180);

  /** Three small rungs so tiny sources still make a ladder (per-video override). */
  static final JsonObject SMALL_LADDER =
      new JsonObject()
          .put(
              "rungs",
              new JsonArray()
                  .add(
                      new JsonObject()
                          .put("name", "360p")
                          .put("height", 360)
                          .put("bitrateKbps", 600))
                  .add(
                      new JsonObject()
                          .put("name", "240p")
                          .put("height", 240)
                          .put("bitrateKbps", 300))
                  .add(
                      new JsonObject()
                          .put("name", "144p")
                          .put("height", 144)
                          .put("bitrateKbps", 120)));

  @TempDir static Path tmp;
  static VodHarness h;

  @BeforeAll
  static void start() throws Exception {
    h = new VodHarness();
  }

  @AfterAll
  static void stop() throws Exception {
    if (h != null) {
      h.close();
    }
  }

  static Path ffmpeg(String name, String... args) throws Exception {
    return ffmpegIn(tmp, name, args);
  }

  static Path ffmpegIn(Path dir, String name, String... args) throws Exception {
    Path out = dir.resolve(name);
    List<String> cmd = new ArrayList<>(List.of("-y"));
    cmd.addAll(List.of(args));
    cmd.add(out.toString());
    TestMedia.Run r = VodHarness.tool(false, cmd.toArray(String[]::new));
    assertEquals(0, r.exit(), r.err());
    return out;
  }

  static Path clip(
      String name, int w, int h, String rate, double seconds, boolean audio, String... extra)
      throws Exception {
    List<String> a = new ArrayList<>();
    a.addAll(
        List.of("-f", "lavfi", "-i", "testsrc2=s=" + w + "x" + h + ":r=" + rate + ":d=" + seconds));
    if (audio) {
      a.addAll(
          List.of(
              "-f",
              "lavfi",
              "-i",
              "sine=frequency=440:sample_rate=48000:d=" + seconds,
              "-c:a",
              "aac",
              "-ac",
              "2"));
    }
    a.addAll(List.of("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"));
    a.addAll(List.of(extra));
    return ffmpeg(name, a.toArray(String[]::new));
  }

  /** Everything a player relies on, checked over HTTP with ffmpeg as the player. */
  static JsonObject checkPlayable(
      Path source,
      JsonObject ladder,
      double seconds,
      double fps,
      boolean audio,
      int rungs,
      String orientation)
      throws Exception {
    String id = h.submit(source, ladder);
    JsonObject rec = h.await(id, TIMEOUT);
    assertEquals("ready", rec.getString("status"), rec.encodePrettily());
    JsonObject media = rec.getJsonObject("media");
    assertEquals("/vod/" + id + "/master.m3u8", media.getString("hls"));
    assertEquals("/vod/" + id + "/manifest.mpd", media.getString("dash"));
    assertEquals(1.0, rec.getDouble("progress"));
    double frame = fps > 0 ? 1 / fps : 0.03;
    assertEquals(seconds, media.getDouble("duration"), frame + 0.001, "duration of " + source);

    String master = h.text(media.getString("hls"));
    assertTrue(master.contains("#EXT-X-VERSION:7"), master);
    assertTrue(master.contains("#EXT-X-INDEPENDENT-SEGMENTS"), master);
    List<String> variants = new ArrayList<>();
    Matcher m = Pattern.compile("#EXT-X-STREAM-INF:([^\\n]*)\\n([^\\n]+)").matcher(master);
    while (m.find()) {
      String attrs = m.group(1);
      assertTrue(attrs.contains("AVERAGE-BANDWIDTH="), attrs);
      assertTrue(attrs.contains("CODECS="), attrs);
      if (rungs > 0) {
        assertTrue(attrs.contains("RESOLUTION=") && attrs.contains("FRAME-RATE="), attrs);
        assertEquals(audio, attrs.contains("AUDIO=\"audio\""), attrs);
        assertEquals(audio, attrs.contains("mp4a.40.2"), attrs);
      }
      variants.add(m.group(2));
    }
    assertEquals(Math.max(1, rungs), variants.size(), master);
    assertEquals(rungs, count(master, "#EXT-X-I-FRAME-STREAM-INF"), master);
    assertEquals(audio && rungs > 0, master.contains("#EXT-X-MEDIA:TYPE=AUDIO"), master);

    List<List<Double>> durations = new ArrayList<>();
    for (String v : variants) {
      String path = "/vod/" + id + "/" + v;
      String pl = h.text(path);
      assertTrue(pl.contains("#EXT-X-PLAYLIST-TYPE:VOD") && pl.contains("#EXT-X-ENDLIST"), pl);
      assertTrue(pl.contains("#EXT-X-MAP:URI=\"init.mp4\""), pl);
      List<Double> d = extinf(pl);
      durations.add(d);
      assertEquals(seconds, d.stream().mapToDouble(x -> x).sum(), frame + 0.001, path);
      if (rungs > 0) {
        checkKeyframesOnBoundaries(path, d, (long) Math.round(seconds * fps));
        if ("portrait".equals(orientation)) {
          assertTrue(master.matches("(?s).*RESOLUTION=(\\d+)x(\\d+).*"), master);
        }
      }
    }
    for (List<Double> d : durations) {
      assertEquals(durations.get(0), d, "every rung lists the same segment durations");
    }
    if (audio && rungs > 0) {
      List<Double> a = extinf(h.text("/vod/" + id + "/audio/index.m3u8"));
      assertEquals(durations.get(0).size(), a.size(), "audio on the video segment grid");
    }
    // The whole presentation, every stream, to the end: HLS and DASH.
    TestMedia.Run hls =
        VodHarness.tool(false, "-i", h.url(media.getString("hls")), "-map", "0", "-f", "null", "-");
    assertEquals(0, hls.exit(), hls.err());
    TestMedia.Run dash =
        VodHarness.tool(
            false, "-i", h.url(media.getString("dash")), "-map", "0", "-f", "null", "-");
    assertEquals(0, dash.exit(), dash.err());
    if (rungs > 0) {
      assertNotNull(media.getString("thumbnail"));
      assertEquals(200, h.get(media.getString("thumbnail")).statusCode());
    }
    return rec;
  }

  /** Frame count is exact and every segment starts with a keyframe (and only there). */
  static void checkKeyframesOnBoundaries(String path, List<Double> durations, long frames)
      throws Exception {
    TestMedia.Run r =
        VodHarness.tool(
            true,
            "-select_streams",
            "v:0",
            "-show_entries",
            "packet=pts_time,flags",
            "-of",
            "csv=p=0",
            h.url(path));
    assertEquals(0, r.exit(), r.err());
    List<Double> keyTimes = new ArrayList<>();
    long packets = 0;
    double first = Double.NaN;
    for (String line : r.out().split("\n")) {
      String[] f = line.trim().split(",");
      if (f.length < 2 || f[0].isEmpty()) {
        continue;
      }
      double t = Double.parseDouble(f[0]);
      if (Double.isNaN(first)) {
        first = t;
      }
      first = Math.min(first, t);
      packets++;
      if (f[1].contains("K")) {
        keyTimes.add(t);
      }
    }
    assertEquals(frames, packets, "frames in " + path);
    assertEquals(
        durations.size(), keyTimes.size(), "one keyframe per segment in " + path + ": " + keyTimes);
    double start = keyTimes.get(0);
    for (int i = 0; i < durations.size(); i++) {
      assertEquals(start, keyTimes.get(i), 0.002, "keyframe " + i + " of " + path);
      start += durations.get(i);
    }
  }

  static List<Double> extinf(String playlist) {
    List<Double> out = new ArrayList<>();
    Matcher m = Pattern.compile("#EXTINF:([0-9.]+),").matcher(playlist);
    while (m.find()) {
      out.add(Double.parseDouble(m.group(1)));
    }
    return out;
  }

  static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  @DisplayName("landscape 16:9 25 fps with AAC: three rungs, audio group, HLS and DASH play")
  void landscape() throws Exception {
    Path src = clip("landscape.mp4", 640, 360, "25", 5, true);
    JsonObject rec = checkPlayable(src, SMALL_LADDER, 5, 25, true, 3, "landscape");
    String master = h.text(rec.getJsonObject("media").getString("hls"));
    assertTrue(
        master.contains("RESOLUTION=640x360") && master.contains("RESOLUTION=256x144"), master);
  }

  @Test
  @DisplayName("portrait 9:16 30 fps without audio: portrait rungs, no audio group")
  void portraitNoAudio() throws Exception {
    Path src = clip("portrait.mp4", 360, 640, "30", 4, false);
    JsonObject rec = checkPlayable(src, SMALL_LADDER, 4, 30, false, 3, "portrait");
    String master = h.text(rec.getJsonObject("media").getString("hls"));
    assertTrue(
        master.contains("RESOLUTION=360x640") && master.contains("RESOLUTION=144x256"), master);
  }

  @Test
  @DisplayName("4:3 at 59.94 fps with odd dimensions: exact NTSC timing, even rung sizes")
  void ntscOddFourThree() throws Exception {
    Path src =
        clip(
            "ntsc.mp4",
            321,
            241,
            "60000/1001",
            3.003,
            true,
            "-vf",
            "scale=321:241",
            "-pix_fmt",
            "yuv444p");
    checkPlayable(src, SMALL_LADDER, 3.003, 60000 / 1001.0, true, 2, "landscape");
  }

  @Test
  @DisplayName("rotated phone video (display matrix 90°) in MOV becomes portrait")
  void rotatedMov() throws Exception {
    Path plain = clip("rot-src.mp4", 640, 360, "30", 3, true);
    Path rot =
        ffmpeg("rotated.mov", "-display_rotation", "90", "-i", plain.toString(), "-c", "copy");
    JsonObject rec = checkPlayable(rot, SMALL_LADDER, 3, 30, true, 3, "portrait");
    String master = h.text(rec.getJsonObject("media").getString("hls"));
    assertTrue(master.contains("RESOLUTION=360x640"), master);
  }

  @Test
  @DisplayName("audio-only source: one audio variant, DASH audio set")
  void audioOnly() throws Exception {
    Path src =
        ffmpeg(
            "audio.m4a",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=44100:d=5",
            "-c:a",
            "aac");
    JsonObject rec = h.await(h.submit(src, null), TIMEOUT);
    assertEquals("ready", rec.getString("status"), rec.encodePrettily());
    String master = h.text(rec.getJsonObject("media").getString("hls"));
    assertTrue(
        master.contains("audio/index.m3u8") && master.contains("CODECS=\"mp4a.40.2\""), master);
    assertEquals(5.0, rec.getJsonObject("media").getDouble("duration"), 0.1);
    TestMedia.Run run =
        VodHarness.tool(
            false, "-i", h.url(rec.getJsonObject("media").getString("dash")), "-f", "null", "-");
    assertEquals(0, run.exit(), run.err());
  }

  @Test
  @DisplayName("VP9/Opus in WebM decodes and is transcoded to H.264/AAC")
  void webmVp9() throws Exception {
    Path src =
        ffmpeg(
            "vp9.webm",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=s=320x240:r=25:d=3",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=48000:d=3",
            "-c:v",
            "libvpx-vp9",
            "-deadline",
            "realtime",
            "-cpu-used",
            "8",
            "-b:v",
            "300k",
            "-c:a",
            "libopus");
    checkPlayable(src, SMALL_LADDER, 3, 25, true, 2, "landscape");
  }

  @Test
  @DisplayName("HEVC/AAC in Matroska decodes and is transcoded to H.264/AAC")
  void mkvHevc() throws Exception {
    Path src =
        ffmpeg(
            "hevc.mkv",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=s=320x240:r=30:d=3",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=48000:d=3",
            "-c:v",
            "libx265",
            "-preset",
            "ultrafast",
            "-x265-params",
            "log-level=error",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac");
    checkPlayable(src, SMALL_LADDER, 3, 30, true, 2, "landscape");
  }

  @Test
  @DisplayName("non-media inputs fail their video within seconds with a readable reason")
  void badInputsFailFast() throws Exception {
    Path text = tmp.resolve("notes.mp4");
    Files.writeString(text, "this is not a video\n".repeat(50));
    Path empty = Files.createFile(tmp.resolve("empty.mp4"));
    Path good = clip("to-truncate.mp4", 320, 240, "25", 3, true, "-movflags", "+faststart");
    Path truncated = tmp.resolve("truncated.mp4");
    byte[] bytes = Files.readAllBytes(good);
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    Path image =
        ffmpeg("still.png", "-f", "lavfi", "-i", "testsrc2=s=320x240:d=1", "-frames:v", "1");
    for (Path bad : List.of(text, empty, truncated, image)) {
      long t0 = System.nanoTime();
      JsonObject rec = h.await(h.submit(bad, null), Duration.ofSeconds(30));
      double took = (System.nanoTime() - t0) / 1e9;
      assertEquals("failed", rec.getString("status"), bad + ": " + rec.encode());
      String error = rec.getString("error");
      assertNotNull(error, bad.toString());
      assertFalse(error.isBlank());
      assertTrue(took < 15, bad + " took " + took + " s");
      System.out.printf(
          Locale.ROOT, "%s -> failed in %.1f s: %s%n", bad.getFileName(), took, error);
    }
  }
}
