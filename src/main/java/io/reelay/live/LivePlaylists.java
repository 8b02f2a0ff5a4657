package io.reelay.live;

import io.reelay.dash.AdaptationSet;
import io.reelay.dash.Mpd;
import io.reelay.dash.Period;
import io.reelay.dash.Representation;
import io.reelay.dash.SegmentTemplate;
import io.reelay.dash.SegmentTimeline;
import io.reelay.dash.UtcTiming;
import io.reelay.hls.AudioRendition;
import io.reelay.hls.InitMap;
import io.reelay.hls.MasterPlaylist;
import io.reelay.hls.MediaPlaylist;
import io.reelay.hls.Part;
import io.reelay.hls.PreloadHint;
import io.reelay.hls.Segment;
import io.reelay.hls.ServerControl;
import io.reelay.hls.Variant;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders a live stream's playlists from its {@link LiveState}: the HLS master, Low-Latency HLS
 * media playlists (parts, preload hint, blocking reload and delta updates advertised) and a dynamic
 * DASH MPD over the same CMAF files. Pure: the same state always gives the same text.
 */
public final class LivePlaylists {
  private static final String AUDIO_GROUP = "audio";

  /**
   * Audio parts are cut at the video's part boundaries, so they can overrun the part target by up
   * to one AAC frame; the advertised PART-TARGET includes that margin.
   */
  static final double PART_TARGET_MARGIN = 0.05;

  private LivePlaylists() {}

  public static String initName(int generation) {
    return "init-" + generation + ".mp4";
  }

  public static String segmentName(long msn) {
    return String.format(Locale.ROOT, "seg-%05d.m4s", msn);
  }

  public static String partName(long msn, int part) {
    return String.format(Locale.ROOT, "seg-%05d.%d.m4s", msn, part);
  }

  public static double advertisedPartTarget(LiveState state) {
    return state.partTarget() + PART_TARGET_MARGIN;
  }

  public static MasterPlaylist master(LiveState state) {
    return master(state, LiveRungs.View.EMPTY);
  }

  /** The master with the source first, then every transcoded rung that has segments. */
  public static MasterPlaylist master(LiveState state, LiveRungs.View rungs) {
    MasterPlaylist.Builder b = MasterPlaylist.builder();
    LiveState.Rendition video = state.rendition(LiveState.VIDEO);
    LiveState.Rendition audio = state.rendition(LiveState.AUDIO);
    if (audio != null && video != null) {
      b.addAudio(
          AudioRendition.of(
              AUDIO_GROUP,
              "Audio",
              null,
              Math.max(1, audio.channels()),
              LiveState.AUDIO + "/index.m3u8"));
    }
    if (video != null) {
      String codecs = audio != null ? video.codecs() + "," + audio.codecs() : video.codecs();
      long bandwidth = Math.max(1, video.peakBandwidth());
      Variant.Builder v =
          Variant.builder(LiveState.VIDEO + "/index.m3u8", bandwidth)
              .averageBandwidth(Math.max(1, video.averageBandwidth()))
              .codecs(codecs)
              .resolution(video.width(), video.height());
      if (video.frameRate() > 0) {
        v.frameRate(video.frameRate());
      }
      if (audio != null) {
        v.audioGroup(AUDIO_GROUP);
      }
      b.addVariant(v.build());
      addRungVariants(b, video, audio, rungs);
    } else if (audio != null) {
      b.addVariant(
          Variant.builder(LiveState.AUDIO + "/index.m3u8", Math.max(1, audio.averageBandwidth()))
              .codecs(audio.codecs())
              .build());
    }
    return b.build();
  }

  /** The LL-HLS media playlist of one rendition; {@code skip} gives the delta update. */
  public static MediaPlaylist media(LiveState state, String renditionName, boolean skip) {
    LiveState.Rendition r = state.rendition(renditionName);
    List<LiveState.SegmentEntry> segments = r.segments();
    int generation = segments.isEmpty() ? r.initGeneration() : segments.get(0).initGeneration();
    InitMap firstMap = InitMap.of(initName(generation));
    List<Segment> out = new ArrayList<>();
    for (LiveState.SegmentEntry s : segments) {
      Segment seg =
          Segment.of(segmentName(s.msn()), s.duration())
              .withProgramDateTime(Instant.ofEpochMilli(s.pdtMs()));
      if (s.discontinuity()) {
        seg = seg.withDiscontinuity();
      }
      if (s.initGeneration() != generation) {
        generation = s.initGeneration();
        seg = seg.withMap(InitMap.of(initName(generation)));
      }
      out.add(seg);
    }
    int target =
        Math.max(
            (int) Math.ceil(state.segmentTarget() - 1e-9), MediaPlaylist.honestTargetDuration(out));
    // rfc8216bis 4.4.4.9: parts more than three target durations from the end are dropped; only
    // players at the live edge use them, and every viewer reloads this text each part.
    double fromEnd = 0;
    for (LiveState.PartEntry p : r.pending()) {
      fromEnd += p.duration();
    }
    for (int i = segments.size() - 1; i >= 0; i--) {
      if (fromEnd >= 3.0 * target) {
        break; // this segment's last part, and all before it, are that far from the end
      }
      LiveState.SegmentEntry s = segments.get(i);
      if (!s.parts().isEmpty()) {
        out.set(i, out.get(i).withParts(parts(s.msn(), s.parts())));
      }
      fromEnd += s.duration();
    }
    double partTarget = advertisedPartTarget(state);
    MediaPlaylist.Builder b =
        MediaPlaylist.builder()
            .targetDuration(target)
            .independentSegments(true)
            .partTarget(partTarget)
            .serverControl(
                new ServerControl(true, 6.0 * target, false, 3.0 * target, 3 * partTarget))
            .discontinuitySequence(state.discontinuitySequence())
            .mediaSequence(segments.isEmpty() ? r.nextMsn() : segments.get(0).msn())
            .map(firstMap)
            .segments(out);
    if (state.ended()) {
      b.endList(true);
    } else {
      b.trailingParts(parts(r.nextMsn(), r.pending()));
      b.preloadHint(PreloadHint.part(partName(r.nextMsn(), r.pending().size())));
    }
    MediaPlaylist playlist = b.build();
    return skip ? playlist.deltaUpdate() : playlist;
  }

  private static List<Part> parts(long msn, List<LiveState.PartEntry> entries) {
    List<Part> parts = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      LiveState.PartEntry p = entries.get(i);
      parts.add(Part.of(partName(msn, i), p.duration(), p.independent()));
    }
    return parts;
  }

  /** A dynamic MPD over the same segments; times on a millisecond timeline from stream start. */
  public static Mpd dash(LiveState state, Instant now, String timeUrl) {
    return dash(state, LiveRungs.View.EMPTY, now, timeUrl);
  }

  /**
   * As {@link #dash(LiveState, Instant, String)}, with the transcoded rungs as further
   * representations of the video adaptation set (same timeline: their segments mirror the
   * source's).
   */
  public static Mpd dash(LiveState state, LiveRungs.View rungs, Instant now, String timeUrl) {
    List<AdaptationSet> sets = new ArrayList<>();
    double window = 0;
    double maxSegment = state.segmentTarget();
    for (LiveState.Rendition r : state.renditions().values()) {
      if (r.segments().isEmpty()) {
        continue;
      }
      List<SegmentTimeline.TimedSegment> timeline = new ArrayList<>();
      double span = 0;
      for (LiveState.SegmentEntry s : r.segments()) {
        long t = s.pdtMs() - state.startedAtMs();
        timeline.add(
            new SegmentTimeline.TimedSegment(t, Math.max(1, Math.round(s.duration() * 1000))));
        span += s.duration();
        maxSegment = Math.max(maxSegment, s.duration());
      }
      window = Math.max(window, span);
      LiveState.SegmentEntry last = r.segments().get(r.segments().size() - 1);
      List<Representation> rungReps = r.video() ? rungRepresentations(r, rungs) : List.of();
      String dir = rungReps.isEmpty() ? r.name() : "$RepresentationID$";
      SegmentTemplate template =
          SegmentTemplate.builder(1000)
              .initialization(dir + "/" + initName(last.initGeneration()))
              .media(dir + "/seg-$Number%05d$.m4s")
              .startNumber(r.segments().get(0).msn())
              .timeline(SegmentTimeline.of(timeline))
              .build();
      Representation.Builder rep =
          Representation.builder(r.name(), Math.max(1, r.peakBandwidth())).codecs(r.codecs());
      AdaptationSet.Builder set;
      if (r.video()) {
        rep.size(r.width(), r.height());
        set = AdaptationSet.video();
      } else {
        rep.audioSamplingRate(r.sampleRate());
        set = AdaptationSet.audio("und").audioChannels(Math.max(1, r.channels()));
      }
      set.segmentTemplate(template).addRepresentation(rep.build());
      rungReps.forEach(set::addRepresentation);
      sets.add(set.build());
    }
    Mpd.Builder mpd =
        Mpd.dynamicBuilder(Instant.ofEpochMilli(state.startedAtMs()), now)
            .minBufferTime(Duration.ofMillis(Math.round(state.segmentTarget() * 1000)))
            .timeShiftBufferDepth(Duration.ofMillis(Math.round(Math.max(window, 1) * 1000)))
            .suggestedPresentationDelay(Duration.ofMillis(Math.round(maxSegment * 2000)))
            .maxSegmentDuration(Duration.ofMillis(Math.round(Math.ceil(maxSegment * 1000))))
            .addUtcTiming(UtcTiming.httpIso(timeUrl));
    if (!state.ended()) {
      mpd.minimumUpdatePeriod(Duration.ofMillis(Math.round(state.segmentTarget() * 1000)));
    }
    if (!sets.isEmpty()) {
      mpd.addPeriod(Period.of("0", Duration.ZERO, sets));
    }
    return mpd.build();
  }

  private static List<Representation> rungRepresentations(
      LiveState.Rendition video, LiveRungs.View rungs) {
    List<Representation> reps = new ArrayList<>();
    rungs
        .rungs()
        .forEach(
            (name, segments) -> {
              if (segments.isEmpty() || rungs.dropped().contains(name)) {
                return;
              }
              long peak = rate(video, segments)[0];
              LiveRungs.RungSegment last = segments.get(segments.size() - 1);
              reps.add(
                  Representation.builder(name, peak)
                      .codecs(last.codecs())
                      .size(last.width(), last.height())
                      .build());
            });
    return reps;
  }

  /** [peak, average] bit rate of a rung's listed segments, timed by their source twins. */
  private static long[] rate(LiveState.Rendition video, List<LiveRungs.RungSegment> segments) {
    java.util.Map<Long, Double> durations = new java.util.HashMap<>();
    video.segments().forEach(s -> durations.put(s.msn(), s.duration()));
    long bits = 0;
    double seconds = 0;
    long peak = 1;
    for (LiveRungs.RungSegment r : segments) {
      Double d = durations.get(r.msn());
      if (d != null && d > 0) {
        bits += r.bytes() * 8;
        seconds += d;
        peak = Math.max(peak, Math.round(r.bytes() * 8 / d));
      }
    }
    return new long[] {peak, seconds > 0 ? Math.max(1, Math.round(bits / seconds)) : 1};
  }

  /** Segments a rung may lag behind the source before a missing one is listed as a gap. */
  static final int RUNG_GAP_LAG = 3;

  private static void addRungVariants(
      MasterPlaylist.Builder b,
      LiveState.Rendition video,
      LiveState.Rendition audio,
      LiveRungs.View rungs) {
    long audioBps = audio == null ? 0 : audio.averageBandwidth();
    rungs
        .rungs()
        .forEach(
            (name, segments) -> {
              if (segments.isEmpty() || rungs.dropped().contains(name)) {
                return;
              }
              long[] rate = rate(video, segments);
              long peak = rate[0];
              long average = rate[1];
              LiveRungs.RungSegment last = segments.get(segments.size() - 1);
              String codecs = audio != null ? last.codecs() + "," + audio.codecs() : last.codecs();
              Variant.Builder v =
                  Variant.builder(name + "/index.m3u8", Math.max(1, peak + audioBps))
                      .averageBandwidth(Math.max(1, average + audioBps))
                      .codecs(codecs)
                      .resolution(last.width(), last.height());
              if (video.frameRate() > 0) {
                v.frameRate(video.frameRate());
              }
              if (audio != null) {
                v.audioGroup(AUDIO_GROUP);
              }
              b.addVariant(v.build());
            });
  }

  /**
   * A transcoded rung's media playlist: the source rendition's segments (same msn, duration,
   * program date-time, discontinuities), without parts. A source segment the rung has is listed;
   * one still missing {@link #RUNG_GAP_LAG} segments behind the source edge (skipped as too old, or
   * lost with its worker) is listed with EXT-X-GAP; the playlist ends before the first one still in
   * progress. Null when the rung has nothing listable.
   */
  public static MediaPlaylist rungMedia(
      LiveState state, String rung, List<LiveRungs.RungSegment> done) {
    LiveState.Rendition source = state.rendition(LiveState.VIDEO);
    if (source == null || source.segments().isEmpty() || done.isEmpty()) {
      return null;
    }
    java.util.Map<Long, LiveRungs.RungSegment> byMsn = new java.util.HashMap<>();
    done.forEach(r -> byMsn.put(r.msn(), r));
    long gapBefore = state.ended() ? Long.MAX_VALUE : source.nextMsn() - RUNG_GAP_LAG;
    List<Segment> out = new ArrayList<>();
    Integer generation = null;
    int firstGeneration = done.get(0).initGeneration();
    for (LiveState.SegmentEntry s : source.segments()) {
      LiveRungs.RungSegment r = byMsn.get(s.msn());
      if (r == null && s.msn() >= gapBefore) {
        break;
      }
      Segment seg =
          Segment.of(segmentName(s.msn()), s.duration())
              .withProgramDateTime(Instant.ofEpochMilli(s.pdtMs()));
      if (s.discontinuity()) {
        seg = seg.withDiscontinuity();
      }
      if (r == null) {
        seg = seg.withGap();
      } else if (generation == null) {
        generation = r.initGeneration();
        firstGeneration = generation;
      } else if (r.initGeneration() != generation) {
        generation = r.initGeneration();
        seg = seg.withMap(InitMap.of(initName(generation)));
      }
      out.add(seg);
    }
    if (generation == null) {
      return null;
    }
    int target =
        Math.max(
            (int) Math.ceil(state.segmentTarget() - 1e-9), MediaPlaylist.honestTargetDuration(out));
    return MediaPlaylist.builder()
        .targetDuration(target)
        .independentSegments(true)
        .discontinuitySequence(state.discontinuitySequence())
        .mediaSequence(source.segments().get(0).msn())
        .map(InitMap.of(initName(firstGeneration)))
        .segments(out)
        .endList(state.ended())
        .build();
  }
}
