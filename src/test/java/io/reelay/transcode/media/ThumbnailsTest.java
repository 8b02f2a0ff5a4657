package io.reelay.transcode.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThumbnailsTest {
  @TempDir static Path tmp;

  @BeforeAll
  static void quiet() {
    Ff.quietNativeLogs();
  }

  @Test
  void posterAndStoryboard() throws Exception {
    Path src = Ff.clip(tmp, "t.mp4", 320, 180, "25", 6, false);
    MediaInfo info = MediaProbe.probe(src);
    Path poster = Thumbnails.poster(src, info, tmp.resolve("poster.jpg"));
    BufferedImage p = ImageIO.read(poster.toFile());
    assertEquals(320, p.getWidth());
    assertEquals(180, p.getHeight());

    Thumbnails.Storyboard sb =
        Thumbnails.storyboard(
            src, info, tmp.resolve("sb"), new Thumbnails.StoryboardConfig(2, 2, 160, 1.0));
    assertEquals(6, sb.tiles());
    assertEquals(2, sb.sheets().size(), "4 tiles per sheet");
    BufferedImage sheet = ImageIO.read(sb.sheets().get(0).toFile());
    assertEquals(320, sheet.getWidth());
    assertEquals(180, sheet.getHeight());
    String vtt = Files.readString(sb.vtt());
    assertTrue(vtt.startsWith("WEBVTT\n"));
    assertTrue(vtt.contains("00:00:00.000 --> 00:00:01.000\nsprite.jpg#xywh=0,0,160,90"), vtt);
    assertTrue(vtt.contains("00:00:05.000 --> 00:00:06.000\nsprite-1.jpg#xywh=160,0,160,90"), vtt);
  }

  @Test
  void storyboardTileShowsTheKeyframeInItsSpanElseItsMiddle() throws Exception {
    // Gray level tells the frame: 30 steps per second, +15 from 0.4 s into each second (the
    // frame the grabber gives for the middle, 0.48-0.52 s, has it).
    // Keyframes every second: each tile is the keyframe at its start (one decoded frame).
    checkTiles(graySteps("gop1s.mp4", "25"), new int[] {0, 0, 0, 0, 0, 0});
    // Keyframes every 2 s: odd tiles have none in their span and show their middle frame.
    checkTiles(graySteps("gop2s.mp4", "50"), new int[] {0, 15, 0, 15, 0, 15});
    // Every frame a keyframe: once two keyframes show it, the middle frame, as before (reading on
    // would decode every frame).
    checkTiles(graySteps("intra.mp4", "1"), new int[] {0, 15, 15, 15, 15, 15});
  }

  /** Six seconds of flat gray, Y = 20 + 30 * second, + 15 from 0.4 s into each second. */
  private static Path graySteps(String name, String gop) throws Exception {
    Path out = tmp.resolve(name);
    Ff.ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "color=c=black:s=320x180:r=25:d=6,format=yuv420p,"
            + "geq=lum='20+30*floor(T)+15*gte(T-floor(T)\\,0.4)':cb=128:cr=128",
        "-c:v",
        "libx264",
        "-preset",
        "veryfast", // B-frames: decode times run ahead of presentation times
        "-g",
        gop,
        "-keyint_min",
        gop,
        "-sc_threshold",
        "0",
        out.toString());
    return out;
  }

  private static void checkTiles(Path src, int[] expectedOffsets) throws Exception {
    MediaInfo info = MediaProbe.probe(src);
    Thumbnails.Storyboard sb =
        Thumbnails.storyboard(
            src,
            info,
            tmp.resolve(src.getFileName() + "-sb"),
            new Thumbnails.StoryboardConfig(6, 1, 160, 1.0));
    BufferedImage sheet = ImageIO.read(sb.sheets().get(0).toFile());
    for (int tile = 0; tile < expectedOffsets.length; tile++) {
      int y = 20 + 30 * tile + expectedOffsets[tile];
      double expectedRgb = (y - 16) * 255 / 219.0; // limited-range Y to full-range gray
      double mean = meanGray(sheet, tile * sb.tileWidth(), sb.tileWidth(), sb.tileHeight());
      assertEquals(expectedRgb, mean, 6, src.getFileName() + " tile " + tile);
    }
  }

  private static double meanGray(BufferedImage img, int x0, int w, int h) {
    long sum = 0;
    for (int y = 0; y < h; y++) {
      for (int x = x0; x < x0 + w; x++) {
        sum += img.getRGB(x, y) >> 8 & 0xff; // green
      }
    }
    return sum / (double) (w * h);
  }

  @Test
  void rotatedPosterIsPortrait() throws Exception {
    Path src = Ff.clip(tmp, "r-src.mp4", 320, 180, "25", 2, false);
    Path rot = tmp.resolve("r.mp4");
    Ff.ffmpeg("-display_rotation", "90", "-i", src.toString(), "-c", "copy", rot.toString());
    MediaInfo info = MediaProbe.probe(rot);
    BufferedImage p = ImageIO.read(Thumbnails.poster(rot, info, tmp.resolve("rp.jpg")).toFile());
    assertEquals(180, p.getWidth());
    assertEquals(320, p.getHeight());
  }
}
