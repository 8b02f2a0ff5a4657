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
