package io.reelay.vod;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one place that names a VOD presentation's S3 objects. Everything of video {@code id} lives
 * under {@code vod/{id}/}, laid out exactly as its URLs under {@code /vod/{id}/}, so delivery maps
 * a URL to a key by prefixing and a retried job overwrites the same keys.
 */
public final class VodKeys {
  /** Video ids as minted by uploads: URL-safe, bounded. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  public static final String MASTER = "master.m3u8";
  public static final String MPD = "manifest.mpd";
  public static final String POSTER = "poster.jpg";
  public static final String STORYBOARD_DIR = "storyboard";
  public static final String AUDIO = "audio";

  private VodKeys() {}

  public static boolean validId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  public static String prefix(String videoId) {
    return "vod/" + videoId + "/";
  }

  /**
   * Key of a file given its path relative to the presentation root (e.g. {@code 720p/init.mp4}).
   */
  public static String key(String videoId, String relative) {
    return prefix(videoId) + relative;
  }

  public static String segment(String videoId, String rendition, int number) {
    return key(videoId, rendition + "/" + segmentName(number));
  }

  public static String segmentName(int number) {
    return String.format(Locale.ROOT, "seg-%05d.m4s", number);
  }

  /** Public URL path of a file of the presentation. */
  public static String url(String videoId, String relative) {
    return "/vod/" + videoId + "/" + relative;
  }
}
