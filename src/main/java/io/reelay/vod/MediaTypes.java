package io.reelay.vod;

import java.util.Locale;

/** Content types of the files a VOD presentation is made of. */
public final class MediaTypes {
  private MediaTypes() {}

  public static String of(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.endsWith(".m3u8")) {
      return "application/vnd.apple.mpegurl";
    } else if (n.endsWith(".mpd")) {
      return "application/dash+xml";
    } else if (n.endsWith(".m4s")) {
      return n.contains("/audio/") || n.startsWith("audio/")
          ? "audio/iso.segment"
          : "video/iso.segment";
    } else if (n.endsWith(".mp4")) {
      return n.contains("/audio/") || n.startsWith("audio/") ? "audio/mp4" : "video/mp4";
    } else if (n.endsWith(".jpg")) {
      return "image/jpeg";
    } else if (n.endsWith(".vtt")) {
      return "text/vtt";
    }
    return "application/octet-stream";
  }

  /** Text formats worth compressing. */
  public static boolean isPlaylist(String name) {
    return name.endsWith(".m3u8") || name.endsWith(".mpd") || name.endsWith(".vtt");
  }
}
