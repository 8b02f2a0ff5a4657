package io.reelay.livevod;

import io.reelay.transcode.media.SegmentFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One finished broadcast as its archive holds it: per rendition the init segment of each encoder
 * generation and the segments that made it to S3, with their measured timing. Pure data, plus the
 * one decision both manifest formats share: where playback has to restart its decoder (a new init
 * generation, or a missing segment).
 *
 * @param tracks renditions: video ones first (the source first), audio last
 */
public record ArchivedRecording(List<Track> tracks) {

  public ArchivedRecording {
    tracks = List.copyOf(tracks);
    if (tracks.isEmpty()) {
      throw new IllegalArgumentException("a recording needs at least one rendition");
    }
  }

  /**
   * One archived segment in its track's timescale.
   *
   * @param msn the live media sequence number (also its file name)
   * @param generation the init generation it decodes with
   * @param time base media decode time (tfdt)
   * @param ticks summed sample durations (trun)
   * @param iframeBytes bytes from the segment start through its first (IDR) sample
   */
  public record Piece(
      long msn, int generation, long time, long ticks, long bytes, long iframeBytes) {}

  /**
   * @param inits what each generation's init segment declares, by generation
   * @param pieces archived segments in msn order
   */
  public record Track(
      String rendition, Map<Integer, SegmentFacts.Track> inits, List<Piece> pieces) {
    public Track {
      inits = Map.copyOf(inits);
      pieces = List.copyOf(pieces);
      if (pieces.isEmpty()) {
        throw new IllegalArgumentException(rendition + " has no segments");
      }
      for (Piece p : pieces) {
        if (!inits.containsKey(p.generation())) {
          throw new IllegalArgumentException(rendition + " lacks init " + p.generation());
        }
      }
    }

    public SegmentFacts.Track first() {
      return inits.get(pieces.get(0).generation());
    }

    public boolean video() {
      return first().video();
    }

    public double seconds() {
      double s = 0;
      for (Piece p : pieces) {
        s += p.ticks() / (double) inits.get(p.generation()).timescale();
      }
      return s;
    }

    /** True when playback must restart before {@code i}: new init, or the segment before lost. */
    public boolean discontinuityBefore(int i) {
      if (i == 0) {
        return false;
      }
      Piece prev = pieces.get(i - 1);
      Piece cur = pieces.get(i);
      return cur.generation() != prev.generation() || cur.msn() != prev.msn() + 1;
    }
  }

  public List<Track> video() {
    return tracks.stream().filter(Track::video).toList();
  }

  public Track audio() {
    return tracks.stream().filter(t -> !t.video()).findFirst().orElse(null);
  }

  /** Presentation length: the longest rendition (the source normally). */
  public double durationSeconds() {
    return tracks.stream().mapToDouble(Track::seconds).max().orElse(0);
  }

  /**
   * A stretch of msn over which every rendition it lists has every segment and one init generation:
   * what a DASH Period is.
   *
   * @param generations the generation of each rendition present throughout
   */
  public record Run(long firstMsn, long lastMsn, Map<String, Integer> generations) {}

  /** Splits the recording where any rendition changes generation, appears or disappears. */
  public List<Run> runs() {
    Map<Long, Map<String, Integer>> byMsn = new TreeMap<>();
    for (Track t : tracks) {
      for (Piece p : t.pieces()) {
        byMsn.computeIfAbsent(p.msn(), k -> new TreeMap<>()).put(t.rendition(), p.generation());
      }
    }
    List<Run> runs = new ArrayList<>();
    Long start = null;
    long prev = 0;
    Map<String, Integer> sig = null;
    for (Map.Entry<Long, Map<String, Integer>> e : byMsn.entrySet()) {
      long msn = e.getKey();
      if (sig == null || msn != prev + 1 || !sig.equals(e.getValue())) {
        if (sig != null) {
          runs.add(new Run(start, prev, sig));
        }
        start = msn;
        sig = e.getValue();
      }
      prev = msn;
    }
    runs.add(new Run(start, prev, sig));
    return runs;
  }

  /** Every msn of any rendition, in order (for tests and logs). */
  public TreeSet<Long> msns() {
    TreeSet<Long> all = new TreeSet<>();
    tracks.forEach(t -> t.pieces().forEach(p -> all.add(p.msn())));
    return all;
  }
}
