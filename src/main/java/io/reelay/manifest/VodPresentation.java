package io.reelay.manifest;

import io.reelay.transcode.media.Rational;
import java.util.List;

/**
 * What the VOD packagers render from: the renditions and their segment facts as the workers
 * measured them. Pure data; {@link VodManifests} turns it into playlists.
 *
 * @param video video renditions, highest first (empty for audio-only sources)
 * @param audio the audio rendition, or null
 * @param frameRate output frame rate of every video rendition
 * @param durationSeconds presentation duration
 */
public record VodPresentation(
    List<Rendition> video, Audio audio, Rational frameRate, double durationSeconds) {

  public VodPresentation {
    video = List.copyOf(video);
    if (video.isEmpty() && audio == null) {
      throw new IllegalArgumentException("a presentation needs video or audio");
    }
  }

  /**
   * One segment in its track's timescale.
   *
   * @param iframeBytes bytes from the segment start through its first (IDR) sample
   */
  public record Segment(int number, long time, long ticks, long bytes, long iframeBytes) {}

  public record Rendition(
      String name, String codec, int width, int height, long timescale, List<Segment> segments) {
    public Rendition {
      segments = List.copyOf(segments);
    }
  }

  public record Audio(
      String codec, int sampleRate, int channels, long timescale, List<Segment> segments) {
    public Audio {
      segments = List.copyOf(segments);
    }
  }
}
