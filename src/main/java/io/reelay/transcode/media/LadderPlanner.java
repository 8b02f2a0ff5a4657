package io.reelay.transcode.media;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Turns a probed source into a {@link Ladder}. Pure function, no I/O. */
public final class LadderPlanner {
  /** Containers whose AAC is raw (not ADTS), so copying into fMP4 needs no bitstream filter. */
  private static final Set<String> RAW_AAC_CONTAINERS =
      Set.of("mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm");

  private LadderPlanner() {}

  public static Ladder plan(MediaInfo info, LadderConfig config) {
    List<Ladder.Rung> rungs = new ArrayList<>();
    Rational rate = Rational.of(25, 1);
    int rotation = 0;
    MediaInfo.Video v = info.video();
    if (v != null) {
      rotation = v.rotation();
      rate =
          capFrameRate(v.variableFrameRate() ? vfrTarget(v) : v.frameRate(), config.maxFrameRate());
      // Apple raises bit rates for high frame rates (e.g. 1080p60 7800k vs 6000k): scale by 1.3.
      double fpsFactor = rate.value() > 31 ? 1.3 : 1.0;
      boolean portrait = v.displayHeight() > v.displayWidth();
      int longSide = Math.max(v.displayWidth(), v.displayHeight());
      int shortSide = Math.min(v.displayWidth(), v.displayHeight());
      for (LadderConfig.RungSpec spec : config.rungs()) {
        if (spec.height() <= shortSide) {
          rungs.add(
              rung(
                  spec.name(),
                  spec.height(),
                  spec.bitrateKbps() * fpsFactor,
                  longSide,
                  shortSide,
                  portrait,
                  config.profile()));
        }
      }
      if (rungs.isEmpty()) {
        // Smaller than the lowest rung: one rung at source size, bit rate scaled by pixel count
        // from the lowest configured rung.
        LadderConfig.RungSpec lowest = config.rungs().get(config.rungs().size() - 1);
        int h = Math.max(2, shortSide & ~1);
        double lowestPixels = (double) lowest.height() * lowest.height() * 16 / 9;
        double pixels = (double) h * even(h * (double) longSide / shortSide);
        double kbps = Math.max(145, lowest.bitrateKbps() * pixels / lowestPixels) * fpsFactor;
        rungs.add(rung(h + "p", h, kbps, longSide, shortSide, portrait, config.profile()));
      }
    }
    Ladder.Audio audio = null;
    MediaInfo.Audio a = info.audio();
    if (a != null) {
      boolean copy =
          config.allowAudioCopy()
              && "aac".equals(a.codec())
              && "LC".equals(a.profile())
              && a.channels() <= 2
              && RAW_AAC_CONTAINERS.contains(info.format());
      int sampleRate = a.sampleRate() == 44_100 ? 44_100 : 48_000;
      audio =
          copy
              ? new Ladder.Audio("aac", config.audioBitrate(), a.channels(), a.sampleRate(), true)
              : new Ladder.Audio("aac", config.audioBitrate(), 2, sampleRate, false);
    }
    return new Ladder(rungs, rate, rotation, config.x264Preset(), audio);
  }

  /** Broadcast/camera rates a VFR source is snapped to, ascending. */
  private static final List<Rational> STANDARD_RATES =
      List.of(
          Rational.of(24000, 1001),
          Rational.of(24, 1),
          Rational.of(25, 1),
          Rational.of(30000, 1001),
          Rational.of(30, 1),
          Rational.of(48, 1),
          Rational.of(50, 1),
          Rational.of(60000, 1001),
          Rational.of(60, 1));

  /**
   * VFR (phones, screen captures): the base rate is the stream's finest timing, so use it when it
   * is a standard rate; otherwise round the average up to a standard rate so motion is not lost.
   */
  static Rational vfrTarget(MediaInfo.Video v) {
    for (Rational r : STANDARD_RATES) {
      if (Math.abs(r.value() - v.baseFrameRate().value()) < 0.001) {
        return r;
      }
    }
    for (Rational r : STANDARD_RATES) {
      if (r.value() >= v.frameRate().value() * 0.98) {
        return r;
      }
    }
    return v.frameRate();
  }

  /** Keeps rates up to the cap (59.94 included); above it, divides by the smallest integer. */
  static Rational capFrameRate(Rational in, int maxFps) {
    if (in.value() <= maxFps + 0.01) {
      return in;
    }
    long k = 2;
    while (in.value() / k > maxFps + 0.01) {
      k++;
    }
    return Rational.of(in.num(), in.den() * k);
  }

  private static Ladder.Rung rung(
      String name,
      int shortTarget,
      double kbps,
      int longSide,
      int shortSide,
      boolean portrait,
      String profile) {
    int s = shortTarget & ~1;
    int l = even(s * (double) longSide / shortSide);
    int width = portrait ? s : l;
    int height = portrait ? l : s;
    int bitrate = (int) Math.round(kbps * 1000);
    // Apple: VOD peak should stay within 200 % of the average; 150 % leaves headroom.
    return new Ladder.Rung(name, width, height, bitrate, bitrate * 3 / 2, bitrate * 2, profile);
  }

  private static int even(double x) {
    return Math.max(2, (int) Math.round(x / 2) * 2);
  }
}
