package io.reelay.hls;

import java.util.Locale;
import java.util.Objects;

/**
 * The one place that decides how CMAF files and playlists are named.
 *
 * <p>Layout: the master playlist (and the DASH MPD) sit at the presentation root, each rendition
 * has its own directory named after the rendition ({@code 720p/}). URIs inside a media playlist are
 * relative to that playlist, so they carry no directory ({@code seg-00012.m4s}); URIs in the master
 * carry the rendition directory ({@code 720p/index.m3u8}). Use {@link #fromRoot} for paths relative
 * to the presentation root (storage keys, DASH templates).
 *
 * <p>Part indexes are 0-based, matching the {@code _HLS_part} delivery directive.
 *
 * @param playlistName media playlist file name inside the rendition directory
 * @param iFramePlaylistName I-frame playlist file name inside the rendition directory
 * @param initName init segment file name
 * @param segmentPattern {@link String#format} pattern taking the media sequence number
 * @param partPattern {@link String#format} pattern taking the sequence number and the part index
 */
public record HlsNaming(
    String playlistName,
    String iFramePlaylistName,
    String initName,
    String segmentPattern,
    String partPattern) {

  public static final HlsNaming DEFAULT =
      new HlsNaming("index.m3u8", "iframes.m3u8", "init.mp4", "seg-%05d.m4s", "seg-%05d.%d.m4s");

  public HlsNaming {
    Objects.requireNonNull(playlistName, "playlistName");
    Objects.requireNonNull(iFramePlaylistName, "iFramePlaylistName");
    Objects.requireNonNull(initName, "initName");
    Objects.requireNonNull(segmentPattern, "segmentPattern");
    Objects.requireNonNull(partPattern, "partPattern");
  }

  /** Media playlist URI as referenced from the master playlist, e.g. {@code 720p/index.m3u8}. */
  public String mediaPlaylistUri(String rendition) {
    return fromRoot(rendition, playlistName);
  }

  /** I-frame playlist URI as referenced from the master playlist. */
  public String iFramePlaylistUri(String rendition) {
    return fromRoot(rendition, iFramePlaylistName);
  }

  /** Init segment URI as referenced from the rendition's own playlist. */
  public String initUri() {
    return initName;
  }

  /** Segment URI as referenced from the rendition's own playlist, e.g. {@code seg-00012.m4s}. */
  public String segmentUri(long msn) {
    return String.format(Locale.ROOT, segmentPattern, msn);
  }

  /** Part URI as referenced from the rendition's own playlist, e.g. {@code seg-00012.2.m4s}. */
  public String partUri(long msn, int partIndex) {
    return String.format(Locale.ROOT, partPattern, msn, partIndex);
  }

  /** URI of a sibling rendition's playlist, for EXT-X-RENDITION-REPORT. */
  public String renditionReportUri(String otherRendition) {
    return "../" + mediaPlaylistUri(otherRendition);
  }

  /** Path relative to the presentation root, e.g. {@code fromRoot("720p", segmentUri(12))}. */
  public String fromRoot(String rendition, String fileName) {
    return rendition + "/" + fileName;
  }
}
