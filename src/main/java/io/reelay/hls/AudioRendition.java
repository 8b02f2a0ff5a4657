package io.reelay.hls;

import java.util.Objects;

/**
 * EXT-X-MEDIA with TYPE=AUDIO: a demuxed audio rendition.
 *
 * @param groupId GROUP-ID that variants reference through AUDIO
 * @param name NAME, unique within the group
 * @param language LANGUAGE (RFC 5646) or null
 * @param isDefault DEFAULT=YES
 * @param autoselect AUTOSELECT=YES (must be YES when DEFAULT is)
 * @param channels CHANNELS, e.g. "2" or "6", or null
 * @param uri media playlist URI, null if the audio is muxed into the variant
 */
public record AudioRendition(
    String groupId,
    String name,
    String language,
    boolean isDefault,
    boolean autoselect,
    String channels,
    String uri) {

  public AudioRendition {
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(name, "name");
    if (isDefault && !autoselect) {
      throw new IllegalArgumentException("DEFAULT=YES requires AUTOSELECT=YES: " + name);
    }
  }

  /** Common case: a default, auto-selectable rendition with a channel count. */
  public static AudioRendition of(
      String groupId, String name, String language, int channels, String uri) {
    return new AudioRendition(groupId, name, language, true, true, Integer.toString(channels), uri);
  }

  public AudioRendition asNonDefault() {
    return new AudioRendition(groupId, name, language, false, autoselect, channels, uri);
  }
}
