package io.reelay.transcode.media;

import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.Java2DFrameConverter;

/** Poster JPEG and storyboard sprite sheets with their WebVTT index. */
public final class Thumbnails {
  private Thumbnails() {}

  /**
   * @param columns tiles per row
   * @param rows rows per sheet; more tiles than columns*rows start another sheet
   * @param tileWidth tile width in pixels; height follows the display aspect
   * @param intervalSeconds one tile per interval
   */
  public record StoryboardConfig(int columns, int rows, int tileWidth, double intervalSeconds) {
    /** 10x10 tiles of 160 px; the interval grows so a typical video fits one sheet. */
    public static StoryboardConfig forDuration(double durationSeconds) {
      return new StoryboardConfig(10, 10, 160, Math.max(2, Math.ceil(durationSeconds / 100)));
    }
  }

  /**
   * @param sheets sprite file names, in order; {@code vtt} the WebVTT file
   */
  public record Storyboard(List<Path> sheets, Path vtt, int tileWidth, int tileHeight, int tiles) {}

  /** Longest poster side; a 4K source does not need a 4K poster. */
  private static final int POSTER_MAX_SIDE = 1920;

  /** Writes a JPEG of the frame at ~10 % of the duration, at display size and orientation. */
  public static Path poster(Path source, MediaInfo info, Path outFile) throws MediaException {
    requireVideo(info);
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(source.toFile());
        Java2DFrameConverter conv = new Java2DFrameConverter()) {
      g.start();
      BufferedImage img = grabAt(g, conv, info.durationSeconds() * 0.10);
      if (img == null) {
        throw new MediaException("no frame for a poster in " + source.getFileName());
      }
      MediaInfo.Video v = info.video();
      double scale =
          Math.min(1.0, (double) POSTER_MAX_SIDE / Math.max(v.displayWidth(), v.displayHeight()));
      int w = Math.max(2, (int) Math.round(v.displayWidth() * scale));
      int h = Math.max(2, (int) Math.round(v.displayHeight() * scale));
      BufferedImage out = draw(img, v.rotation(), w, h);
      Files.createDirectories(outFile.toAbsolutePath().getParent());
      ImageIO.write(out, "jpg", outFile.toFile());
      return outFile;
    } catch (IOException e) {
      throw new MediaException("poster for " + source.getFileName() + " failed: " + e, e);
    }
  }

  /**
   * A decodable file that covers {@code [startSeconds, startSeconds + durationSeconds)} of a
   * presentation made of several (a recorded live stream: one file per encoder session).
   */
  public record Clip(Path file, double startSeconds, double durationSeconds) {}

  /**
   * Writes {@code sprite.jpg} (then {@code sprite-1.jpg}, ...) and {@code storyboard.vtt} whose
   * cues point at {@code sprite.jpg#xywh=x,y,w,h}.
   */
  public static Storyboard storyboard(
      Path source, MediaInfo info, Path outDir, StoryboardConfig cfg) throws MediaException {
    requireVideo(info);
    return storyboard(
        List.of(new Clip(source, 0, info.durationSeconds())), info.video(), outDir, cfg, false);
  }

  /**
   * The storyboard of a presentation made of consecutive clips (display geometry of {@code v}).
   *
   * @param atTileStart sample each tile at its start instead of mid-interval: with keyframes on the
   *     interval grid (live segments) that decodes one frame per tile instead of a GOP
   */
  public static Storyboard storyboard(
      List<Clip> clips, MediaInfo.Video v, Path outDir, StoryboardConfig cfg, boolean atTileStart)
      throws MediaException {
    Clip lastClip = clips.get(clips.size() - 1);
    double duration = lastClip.startSeconds() + lastClip.durationSeconds();
    int tw = cfg.tileWidth() & ~1;
    int th = Math.max(2, (int) Math.round(tw * (double) v.displayHeight() / v.displayWidth()) & ~1);
    int tiles = (int) Math.max(1, Math.ceil(duration / cfg.intervalSeconds()));
    int perSheet = cfg.columns() * cfg.rows();
    List<Path> sheets = new ArrayList<>();
    StringBuilder vtt = new StringBuilder("WEBVTT\n\n");
    Map<Clip, TileSource> sources = new HashMap<>();
    try (Java2DFrameConverter conv = new Java2DFrameConverter()) {
      Files.createDirectories(outDir);
      for (int sheetStart = 0; sheetStart < tiles; sheetStart += perSheet) {
        int count = Math.min(perSheet, tiles - sheetStart);
        int cols = Math.min(cfg.columns(), count);
        int rows = (count + cols - 1) / cols;
        BufferedImage sheet = new BufferedImage(cols * tw, rows * th, BufferedImage.TYPE_INT_RGB);
        String name = sheets.isEmpty() ? "sprite.jpg" : "sprite-" + sheets.size() + ".jpg";
        Graphics2D gfx = sheet.createGraphics();
        try {
          for (int i = 0; i < count; i++) {
            int tile = sheetStart + i;
            double start = tile * cfg.intervalSeconds();
            double end = Math.min(duration, start + cfg.intervalSeconds());
            // Sample mid-interval so the tile represents its span rather than a cut at its edge.
            double at = atTileStart ? start : start + (end - start) / 2;
            Clip clip = clips.get(0);
            for (Clip c : clips) {
              if (c.startSeconds() <= at) {
                clip = c;
              }
            }
            TileSource source = sources.get(clip);
            if (source == null) {
              FFmpegFrameGrabber g = new FFmpegFrameGrabber(clip.file().toFile());
              source = new TileSource(g, conv);
              sources.put(clip, source);
              // Let swscale convert straight to the tile size (in coded orientation, SAR
              // applied): much cheaper than full-size RGB frames scaled down in Java2D.
              boolean swap = v.rotation() == 90 || v.rotation() == 270;
              g.setImageWidth(swap ? th : tw);
              g.setImageHeight(swap ? tw : th);
              g.start();
            }
            double last = clip.durationSeconds() - 0.1;
            BufferedImage img =
                source.tile(
                    start - clip.startSeconds(),
                    end - clip.startSeconds(),
                    Math.max(0, Math.min(at - clip.startSeconds(), last)));
            int x = (i % cols) * tw;
            int y = (i / cols) * th;
            if (img != null) {
              gfx.drawImage(draw(img, v.rotation(), tw, th), x, y, null);
            }
            vtt.append(time(start))
                .append(" --> ")
                .append(time(end))
                .append('\n')
                .append(name)
                .append("#xywh=")
                .append(x)
                .append(',')
                .append(y)
                .append(',')
                .append(tw)
                .append(',')
                .append(th)
                .append("\n\n");
          }
        } finally {
          gfx.dispose();
        }
        Path file = outDir.resolve(name);
        ImageIO.write(sheet, "jpg", file.toFile());
        sheets.add(file);
      }
      Path vttFile = outDir.resolve("storyboard.vtt");
      try (Writer w = Files.newBufferedWriter(vttFile, StandardCharsets.UTF_8)) {
        w.write(vtt.toString());
      }
      return new Storyboard(sheets, vttFile, tw, th, tiles);
    } catch (IOException e) {
      throw new MediaException(
          "storyboard for " + lastClip.file().getFileName() + " failed: " + e, e);
    } finally {
      for (TileSource source : sources.values()) {
        try {
          source.grabber.close();
        } catch (FrameGrabber.Exception e) {
          // closing a decoder we are done with; nothing to recover
        }
      }
    }
  }

  /**
   * Storyboard tiles from one file, in time order. A tile shows the first keyframe in its span if
   * there is one, found by reading on through the file and decoding keyframes only; else the frame
   * at its sample time, found by seeking and decoding from the keyframe before it. With keyframes
   * at least as frequent as tiles (2 s GOPs, tiles of 2 s and up), that is one decoded frame per
   * tile instead of up to a GOP per tile, which for a 2 s GOP came to half a decode of the whole
   * video on top of the chunk jobs' decode.
   */
  private static final class TileSource {
    /** Keyframes closer than this (all-intra sources): reading on would decode most frames. */
    private static final double MIN_SCANNED_GOP_SECONDS = 0.25;

    private final FFmpegFrameGrabber grabber;
    private final Java2DFrameConverter conv;
    private BufferedImage keyframe; // read ahead: the first keyframe not yet used, or null
    private double keyframeSec;
    private double lastKeyframeSec = Double.NEGATIVE_INFINITY;
    private boolean endOfFile;
    private boolean denseKeyframes;

    TileSource(FFmpegFrameGrabber grabber, Java2DFrameConverter conv) {
      this.grabber = grabber;
      this.conv = conv;
    }

    /** The image for the span [{@code fromSec}, {@code toSec}) sampled at {@code atSec}. */
    BufferedImage tile(double fromSec, double toSec, double atSec) throws FrameGrabber.Exception {
      while (!denseKeyframes && !endOfFile && (keyframe == null || keyframeSec < fromSec)) {
        Frame f = grabber.grabKeyFrame(); // skips other packets without decoding them
        if (f == null) {
          endOfFile = true;
          keyframe = null;
          break;
        }
        double t = (f.timestamp - startUs(grabber)) / 1e6;
        if (t <= lastKeyframeSec) {
          continue; // read again after a seek back for a tile without a keyframe
        }
        denseKeyframes = t - lastKeyframeSec < MIN_SCANNED_GOP_SECONDS;
        lastKeyframeSec = t;
        if (t >= fromSec && !denseKeyframes) {
          keyframe = copyOf(conv, f);
          keyframeSec = t;
        }
      }
      if (keyframe != null && keyframeSec >= fromSec && keyframeSec < toSec) {
        BufferedImage img = keyframe;
        keyframe = null;
        return img;
      }
      // No keyframe in the span: a keyframe read ahead stays valid for a later tile, and none
      // lies between this sample time and it, so reading on from here finds the same one.
      endOfFile = false;
      return grabAt(grabber, conv, atSec);
    }
  }

  /** Frame timestamps are absolute; the grabber's seek times are relative to the file's start. */
  private static long startUs(FFmpegFrameGrabber g) {
    long start = g.getFormatContext().start_time();
    return start == AV_NOPTS_VALUE ? 0 : start; // AV_TIME_BASE is microseconds
  }

  /** Seeks (decoding from the previous keyframe) and returns a copy of the frame image. */
  private static BufferedImage grabAt(FFmpegFrameGrabber g, Java2DFrameConverter conv, double sec)
      throws FrameGrabber.Exception {
    g.setVideoTimestamp(Math.max(0, Math.round(sec * 1e6)));
    Frame f = g.grabImage();
    return f == null ? null : copyOf(conv, f);
  }

  private static BufferedImage copyOf(Java2DFrameConverter conv, Frame f) {
    BufferedImage src = conv.getBufferedImage(f);
    // The converter reuses its buffer on the next grab, so copy now.
    BufferedImage copy =
        new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g2 = copy.createGraphics();
    g2.drawImage(src, 0, 0, null);
    g2.dispose();
    return copy;
  }

  /** Rotates clockwise by {@code rotation} and scales to w x h (display aspect, SAR applied). */
  private static BufferedImage draw(BufferedImage img, int rotation, int w, int h) {
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      boolean swap = rotation == 90 || rotation == 270;
      double sw = swap ? (double) h / img.getWidth() : (double) w / img.getWidth();
      double sh = swap ? (double) w / img.getHeight() : (double) h / img.getHeight();
      AffineTransform t = new AffineTransform();
      t.translate(w / 2.0, h / 2.0);
      t.rotate(Math.toRadians(rotation));
      t.scale(sw, sh);
      t.translate(-img.getWidth() / 2.0, -img.getHeight() / 2.0);
      g.drawImage(img, t, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  private static void requireVideo(MediaInfo info) throws MediaException {
    if (!info.hasVideo()) {
      throw new MediaException("no video stream to take thumbnails from");
    }
  }

  private static String time(double s) {
    long ms = Math.round(s * 1000);
    return String.format(
        Locale.ROOT,
        "%02d:%02d:%02d.%03d",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000);
  }
}
