package io.reelay.livevod;

import io.reelay.dash.AdaptationSet;
import io.reelay.dash.Mpd;
import io.reelay.dash.Period;
import io.reelay.dash.Representation;
import io.reelay.dash.SegmentTemplate;
import io.reelay.dash.SegmentTimeline;
import io.reelay.hls.AudioRendition;
import io.reelay.hls.HlsNaming;
import io.reelay.hls.InitMap;
import io.reelay.hls.MasterPlaylist;
import io.reelay.hls.MediaPlaylist;
import io.reelay.hls.PlaylistType;
import io.reelay.hls.Segment;
import io.reelay.hls.Variant;
import io.reelay.livevod.ArchivedRecording.Piece;
import io.reelay.livevod.ArchivedRecording.Run;
import io.reelay.livevod.ArchivedRecording.Track;
import io.reelay.manifest.VodManifests;
import io.reelay.manifest.VodPresentation;
import io.reelay.transcode.media.SegmentFacts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders an {@link ArchivedRecording} as VOD HLS and a static DASH MPD over the archived CMAF
 * files as they are (copied under {@code vod/{id}/{rendition}/init-{gen}.mp4 · seg-{msn}.m4s}).
 * Where the encoder restarted or a segment is missing, HLS gets {@code EXT-X-DISCONTINUITY} (and
 * {@code EXT-X-MAP} of the new init) and DASH a new Period. Pure: text out, no I/O.
 */
public final class RecordingManifests {
  private static final HlsNaming NAMING = HlsNaming.DEFAULT;
  private static final String AUDIO_GROUP = VodManifests.AUDIO_GROUP;
  static final String MEDIA_TEMPLATE = "$RepresentationID$/seg-$Number%05d$.m4s";

  private RecordingManifests() {}

  public static String initName(int generation) {
    return "init-" + generation + ".mp4";
  }

  /** Media playlists by path relative to the presentation root, the master last. */
  public static Map<String, String> hls(ArchivedRecording rec) {
    Map<String, String> out = new LinkedHashMap<>();
    Track audio = rec.audio();
    long audioPeak = 0;
    long audioAvg = 0;
    MasterPlaylist.Builder master = MasterPlaylist.builder().independentSegments(true);
    if (audio != null) {
      out.put(NAMING.mediaPlaylistUri(audio.rendition()), media(audio));
      audioPeak = VodManifests.peak(segments(audio), audio.first().timescale(), false);
      audioAvg = VodManifests.average(segments(audio), audio.first().timescale());
    }
    if (rec.video().isEmpty()) {
      master.addVariant(
          Variant.builder(NAMING.mediaPlaylistUri(audio.rendition()), Math.max(1, audioPeak))
              .averageBandwidth(Math.max(1, Math.min(audioAvg, audioPeak)))
              .codecs(audio.first().codec())
              .build());
    } else {
      if (audio != null) {
        master.addAudio(
            AudioRendition.of(
                AUDIO_GROUP,
                "Default",
                null,
                audio.first().channels(),
                NAMING.mediaPlaylistUri(audio.rendition())));
      }
      for (Track v : rec.video()) {
        out.put(NAMING.mediaPlaylistUri(v.rendition()), media(v));
        SegmentFacts.Track info = v.first();
        long peak = VodManifests.peak(segments(v), info.timescale(), false) + audioPeak;
        long avg = Math.min(peak, VodManifests.average(segments(v), info.timescale()) + audioAvg);
        Variant.Builder b =
            Variant.builder(NAMING.mediaPlaylistUri(v.rendition()), Math.max(1, peak))
                .averageBandwidth(Math.max(1, avg))
                .codecs(audio == null ? info.codec() : info.codec() + "," + audio.first().codec())
                .resolution(info.width(), info.height());
        if (audio != null) {
          b.audioGroup(AUDIO_GROUP);
        }
        master.addVariant(b.build());
      }
    }
    out.put("master.m3u8", master.build().toM3u8());
    return out;
  }

  private static String media(Track t) {
    List<Piece> pieces = t.pieces();
    MediaPlaylist.Builder b =
        MediaPlaylist.builder()
            .playlistType(PlaylistType.VOD)
            .independentSegments(true)
            .map(InitMap.of(initName(pieces.get(0).generation())))
            .endList(true);
    for (int i = 0; i < pieces.size(); i++) {
      Piece p = pieces.get(i);
      Segment s =
          Segment.of(
              NAMING.segmentUri(p.msn()),
              p.ticks() / (double) t.inits().get(p.generation()).timescale());
      if (t.discontinuityBefore(i)) {
        s = s.withDiscontinuity();
        if (p.generation() != pieces.get(i - 1).generation()) {
          s = s.withMap(InitMap.of(initName(p.generation())));
        }
      }
      b.addSegment(s);
    }
    return b.build().toM3u8();
  }

  /** Static MPD: one Period per {@link Run}, each with a video and an audio AdaptationSet. */
  public static String dash(ArchivedRecording rec) {
    Mpd.Builder mpd =
        Mpd.staticBuilder(millis(rec.durationSeconds())).minBufferTime(Duration.ofSeconds(4));
    double start = 0;
    double longest = 0;
    List<Run> runs = rec.runs();
    for (int i = 0; i < runs.size(); i++) {
      Run run = runs.get(i);
      AdaptationSet.Builder video = AdaptationSet.video().id("0");
      AdaptationSet.Builder audio = AdaptationSet.audio(null).id("1");
      boolean hasVideo = false;
      boolean hasAudio = false;
      double periodSeconds = 0;
      for (Track t : rec.tracks()) {
        Integer gen = run.generations().get(t.rendition());
        if (gen == null) {
          continue;
        }
        List<Piece> in =
            t.pieces().stream()
                .filter(p -> p.msn() >= run.firstMsn() && p.msn() <= run.lastMsn())
                .toList();
        SegmentFacts.Track info = t.inits().get(gen);
        List<SegmentTimeline.TimedSegment> timed = new ArrayList<>();
        long ticks = 0;
        for (Piece p : in) {
          timed.add(new SegmentTimeline.TimedSegment(p.time(), p.ticks()));
          ticks += p.ticks();
          longest = Math.max(longest, p.ticks() / (double) info.timescale());
        }
        periodSeconds = Math.max(periodSeconds, ticks / (double) info.timescale());
        SegmentTemplate template =
            SegmentTemplate.builder(info.timescale())
                .initialization(t.rendition() + "/" + initName(gen))
                .media(MEDIA_TEMPLATE)
                .startNumber(run.firstMsn())
                .presentationTimeOffset(in.get(0).time())
                .timeline(SegmentTimeline.of(timed))
                .build();
        long bandwidth = Math.max(1, VodManifests.average(segments(in), info.timescale()));
        Representation.Builder r =
            Representation.builder(t.rendition(), bandwidth)
                .codecs(info.codec())
                .segmentTemplate(template);
        if (info.video()) {
          video.addRepresentation(r.size(info.width(), info.height()).build());
          hasVideo = true;
        } else {
          audio.addRepresentation(
              r.audioSamplingRate(info.sampleRate()).audioChannels(info.channels()).build());
          hasAudio = true;
        }
      }
      List<AdaptationSet> sets = new ArrayList<>();
      if (hasVideo) {
        sets.add(video.build());
      }
      if (hasAudio) {
        sets.add(audio.build());
      }
      mpd.addPeriod(new Period("p" + i, millis(start), millis(periodSeconds), sets));
      start += periodSeconds;
    }
    return mpd.mediaPresentationDuration(millis(start))
        .maxSegmentDuration(Duration.ofMillis((long) Math.ceil(longest * 1000)))
        .build()
        .toXml();
  }

  private static Duration millis(double seconds) {
    return Duration.ofMillis(Math.round(seconds * 1000));
  }

  private static List<VodPresentation.Segment> segments(Track t) {
    return segments(t.pieces());
  }

  private static List<VodPresentation.Segment> segments(List<Piece> pieces) {
    return pieces.stream()
        .map(
            p ->
                new VodPresentation.Segment(
                    (int) p.msn(), p.time(), p.ticks(), p.bytes(), p.iframeBytes()))
        .toList();
  }
}
