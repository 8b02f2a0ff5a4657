package io.reelay.manifest;

import io.reelay.dash.AdaptationSet;
import io.reelay.dash.DashNaming;
import io.reelay.dash.Mpd;
import io.reelay.dash.Period;
import io.reelay.dash.Representation;
import io.reelay.dash.SegmentTemplate;
import io.reelay.dash.SegmentTimeline;
import io.reelay.hls.AudioRendition;
import io.reelay.hls.ByteRange;
import io.reelay.hls.HlsNaming;
import io.reelay.hls.IFrameVariant;
import io.reelay.hls.InitMap;
import io.reelay.hls.MasterPlaylist;
import io.reelay.hls.MediaPlaylist;
import io.reelay.hls.PlaylistType;
import io.reelay.hls.Resolution;
import io.reelay.hls.Segment;
import io.reelay.hls.Variant;
import io.reelay.manifest.VodPresentation.Rendition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link VodPresentation} as HLS (master, media and I-frame playlists) and a static DASH
 * MPD, all pointing at the same CMAF files. Pure: text out, no I/O. Bit rates are measured from the
 * segments: BANDWIDTH is the peak segment rate, AVERAGE-BANDWIDTH the mean.
 */
public final class VodManifests {
  public static final String AUDIO_GROUP = "audio";
  private static final HlsNaming NAMING = HlsNaming.DEFAULT;

  private VodManifests() {}

  /**
   * Media playlists by path relative to the presentation root, the master last (write in this
   * order: a player that sees the master finds every playlist it names).
   */
  public static Map<String, String> hls(VodPresentation p, PlaylistType type) {
    Map<String, String> out = new LinkedHashMap<>();
    boolean ended = type == PlaylistType.VOD;
    MasterPlaylist.Builder master = MasterPlaylist.builder();
    long audioPeak = 0;
    long audioAvg = 0;
    String audioCodec = null;
    if (p.audio() != null) {
      VodPresentation.Audio a = p.audio();
      out.put(
          NAMING.mediaPlaylistUri("audio"), media(a.segments(), a.timescale(), type, ended, false));
      audioPeak = peak(a.segments(), a.timescale(), false);
      audioAvg = average(a.segments(), a.timescale());
      audioCodec = a.codec();
    }
    if (p.video().isEmpty()) {
      VodPresentation.Audio a = p.audio();
      master.addVariant(
          Variant.builder(NAMING.mediaPlaylistUri("audio"), Math.max(1, audioPeak))
              .averageBandwidth(Math.max(1, Math.min(audioAvg, audioPeak)))
              .codecs(a.codec())
              .build());
    } else {
      if (p.audio() != null) {
        master.addAudio(
            AudioRendition.of(
                AUDIO_GROUP,
                "Default",
                null,
                p.audio().channels(),
                NAMING.mediaPlaylistUri("audio")));
      }
      for (Rendition r : p.video()) {
        out.put(
            NAMING.mediaPlaylistUri(r.name()),
            media(r.segments(), r.timescale(), type, ended, false));
        out.put(
            NAMING.iFramePlaylistUri(r.name()),
            media(r.segments(), r.timescale(), type, ended, true));
        long peak = peak(r.segments(), r.timescale(), false) + audioPeak;
        long avg = Math.min(peak, average(r.segments(), r.timescale()) + audioAvg);
        Variant.Builder v =
            Variant.builder(NAMING.mediaPlaylistUri(r.name()), Math.max(1, peak))
                .averageBandwidth(Math.max(1, avg))
                .codecs(audioCodec == null ? r.codec() : r.codec() + "," + audioCodec)
                .resolution(r.width(), r.height())
                .frameRate(p.frameRate().value());
        if (p.audio() != null) {
          v.audioGroup(AUDIO_GROUP);
        }
        master.addVariant(v.build());
        master.addIFrameVariant(
            new IFrameVariant(
                NAMING.iFramePlaylistUri(r.name()),
                Math.max(1, peak(r.segments(), r.timescale(), true)),
                null,
                r.codec(),
                new Resolution(r.width(), r.height())));
      }
    }
    out.put("master.m3u8", master.build().toM3u8());
    return out;
  }

  private static String media(
      List<VodPresentation.Segment> segments,
      long timescale,
      PlaylistType type,
      boolean ended,
      boolean iFrames) {
    MediaPlaylist.Builder b =
        MediaPlaylist.builder()
            .playlistType(type)
            .independentSegments(true)
            .iFramesOnly(iFrames)
            .map(InitMap.of(NAMING.initUri()))
            .endList(ended);
    for (VodPresentation.Segment s : segments) {
      Segment seg = Segment.of(NAMING.segmentUri(s.number()), s.ticks() / (double) timescale);
      b.addSegment(iFrames ? seg.withByteRange(ByteRange.of(s.iframeBytes(), 0)) : seg);
    }
    return b.build().toM3u8();
  }

  /** Static MPD: one video AdaptationSet (every rung) and one audio AdaptationSet. */
  public static String dash(VodPresentation p) {
    List<AdaptationSet> sets = new ArrayList<>();
    double maxSegment = 0;
    if (!p.video().isEmpty()) {
      AdaptationSet.Builder v =
          AdaptationSet.video()
              .id("0")
              .maxFrameRate(Representation.frameRate(p.frameRate().num(), p.frameRate().den()));
      for (Rendition r : p.video()) {
        v.addRepresentation(
            Representation.builder(r.name(), Math.max(1, average(r.segments(), r.timescale())))
                .codecs(r.codec())
                .size(r.width(), r.height())
                .frameRate(Representation.frameRate(p.frameRate().num(), p.frameRate().den()))
                .segmentTemplate(template(r.timescale(), r.segments()))
                .build());
        maxSegment = Math.max(maxSegment, longest(r.segments(), r.timescale()));
      }
      sets.add(v.build());
    }
    if (p.audio() != null) {
      VodPresentation.Audio a = p.audio();
      sets.add(
          AdaptationSet.audio(null)
              .id("1")
              .addRepresentation(
                  Representation.builder("audio", Math.max(1, average(a.segments(), a.timescale())))
                      .codecs(a.codec())
                      .audioSamplingRate(a.sampleRate())
                      .audioChannels(a.channels())
                      .segmentTemplate(template(a.timescale(), a.segments()))
                      .build())
              .build());
      maxSegment = Math.max(maxSegment, longest(a.segments(), a.timescale()));
    }
    Mpd mpd =
        Mpd.staticBuilder(Duration.ofMillis(Math.round(p.durationSeconds() * 1000)))
            .minBufferTime(Duration.ofSeconds(4))
            .maxSegmentDuration(Duration.ofMillis((long) Math.ceil(maxSegment * 1000)))
            .addPeriod(Period.of("0", Duration.ZERO, sets))
            .build();
    return mpd.toXml();
  }

  private static SegmentTemplate template(long timescale, List<VodPresentation.Segment> segments) {
    List<SegmentTimeline.TimedSegment> timed = new ArrayList<>();
    for (VodPresentation.Segment s : segments) {
      timed.add(new SegmentTimeline.TimedSegment(s.time(), s.ticks()));
    }
    return SegmentTemplate.builder(timescale)
        .naming(DashNaming.DEFAULT)
        .startNumber(segments.isEmpty() ? 0 : segments.get(0).number())
        .timeline(SegmentTimeline.of(timed))
        .build();
  }

  /** Peak bits per second over segments (of the I-frame ranges when {@code iFrames}). */
  public static long peak(List<VodPresentation.Segment> segments, long timescale, boolean iFrames) {
    double peak = 0;
    for (VodPresentation.Segment s : segments) {
      double seconds = s.ticks() / (double) timescale;
      if (seconds > 0) {
        peak = Math.max(peak, (iFrames ? s.iframeBytes() : s.bytes()) * 8 / seconds);
      }
    }
    return (long) Math.ceil(peak);
  }

  public static long average(List<VodPresentation.Segment> segments, long timescale) {
    long bytes = 0;
    long ticks = 0;
    for (VodPresentation.Segment s : segments) {
      bytes += s.bytes();
      ticks += s.ticks();
    }
    return ticks == 0 ? 0 : (long) Math.ceil(bytes * 8.0 * timescale / ticks);
  }

  private static double longest(List<VodPresentation.Segment> segments, long timescale) {
    double max = 0;
    for (VodPresentation.Segment s : segments) {
      max = Math.max(max, s.ticks() / (double) timescale);
    }
    return max;
  }
}
