package io.reelay.cmaf;

import io.reelay.testing.TestMedia;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-side stand-in for the live segmenter: turns demuxed packets into {@link Sample}s and cuts
 * them into segments at keyframes.
 */
final class Packager {
  private Packager() {}

  /** One packaged track: header plus segments. */
  record Packaged(TrackInfo track, List<Sample> samples, List<MediaSegment> segments) {}

  /** a * b / c, rounding down; inputs here keep the product far from overflow. */
  static long rescale(long value, long mul, long div) {
    return Math.floorDiv(Math.multiplyExact(value, mul), div);
  }

  /**
   * Smallest shift, in 1/30 s steps, that makes every DTS non-negative. MP4 sources start B-frame
   * video at a negative DTS and AAC with a negative priming packet, while tfdt is unsigned; one
   * shift for both tracks keeps A/V sync and is exact in 90 kHz and 48 kHz.
   */
  static int shiftThirtieths(TestMedia.Demuxed d) {
    int k = 0;
    for (TestMedia.Stream s : d.streams()) {
      for (TestMedia.Packet p : s.packets()) {
        long t = Math.min(p.dts(), p.pts());
        // k / 30 >= -t * tb  <=>  k >= ceil(-30 * t * tb)
        k = (int) Math.max(k, -Math.floorDiv(30L * t * s.tbNum(), s.tbDen()));
      }
    }
    return k;
  }

  static List<Sample> samples(TestMedia.Stream s, int timescale, int shiftThirtieths) {
    long shift = (long) shiftThirtieths * timescale / 30;
    List<TestMedia.Packet> ps = s.packets();
    List<Sample> out = new ArrayList<>(ps.size());
    for (int i = 0; i < ps.size(); i++) {
      TestMedia.Packet p = ps.get(i);
      long dts = rescale(p.dts(), (long) timescale * s.tbNum(), s.tbDen()) + shift;
      long pts = rescale(p.pts(), (long) timescale * s.tbNum(), s.tbDen()) + shift;
      long end =
          i + 1 < ps.size()
              ? rescale(ps.get(i + 1).dts(), (long) timescale * s.tbNum(), s.tbDen()) + shift
              : dts + rescale(p.duration(), (long) timescale * s.tbNum(), s.tbDen());
      out.add(
          new Sample(
              dts, Math.toIntExact(end - dts), Math.toIntExact(pts - dts), p.key(), p.data()));
    }
    return out;
  }

  static TrackInfo track(TestMedia.Stream s, int trackId) {
    return s.video()
        ? TrackInfo.h264(trackId, s.width(), s.height(), s.extradata())
        : TrackInfo.aac(trackId, s.sampleRate(), s.channels(), s.extradata());
  }

  /** Video: a new segment at each keyframe at least 1 s after the current segment start. */
  static Packaged packageVideo(TrackInfo track, List<Sample> samples, long partTicks) {
    List<List<Sample>> cuts = new ArrayList<>();
    List<Sample> cur = new ArrayList<>();
    for (Sample s : samples) {
      if (s.sync()
          && !cur.isEmpty()
          && s.decodeTime() - cur.get(0).decodeTime() >= track.timescale()) {
        cuts.add(cur);
        cur = new ArrayList<>();
      }
      cur.add(s);
    }
    cuts.add(cur);
    return new Packaged(track, samples, toSegments(track, cuts, partTicks));
  }

  /** Audio: cut at the first frame whose PTS reaches each video segment's start PTS. */
  static Packaged packageAudio(
      TrackInfo track, List<Sample> samples, Packaged video, long partTicks) {
    List<Long> boundaries = new ArrayList<>(); // in audio ticks
    for (MediaSegment seg : video.segments().subList(1, video.segments().size())) {
      long pts = seg.fragments().get(0).samples().get(0).presentationTime();
      boundaries.add(rescale(pts, track.timescale(), video.track().timescale()));
    }
    List<List<Sample>> cuts = new ArrayList<>();
    List<Sample> cur = new ArrayList<>();
    int next = 0;
    for (Sample s : samples) {
      if (next < boundaries.size() && s.presentationTime() >= boundaries.get(next)) {
        if (!cur.isEmpty()) {
          cuts.add(cur);
          cur = new ArrayList<>();
        }
        next++;
      }
      cur.add(s);
    }
    cuts.add(cur);
    return new Packaged(track, samples, toSegments(track, cuts, partTicks));
  }

  private static List<MediaSegment> toSegments(
      TrackInfo track, List<List<Sample>> cuts, long partTicks) {
    List<MediaSegment> segs = new ArrayList<>();
    long seq = 1;
    for (List<Sample> c : cuts) {
      MediaSegment seg = MediaSegment.of(track.trackId(), seq, c, partTicks);
      seq = seg.nextSequenceNumber();
      segs.add(seg);
    }
    return segs;
  }
}
