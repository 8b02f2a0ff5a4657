package io.reelay.dash;

import java.util.Objects;

/** AudioChannelConfiguration descriptor. */
public record AudioChannelConfiguration(String schemeIdUri, String value) {

  /** MPEG CICP ChannelConfiguration, the scheme DASH-IF recommends for AAC. */
  public static final String CICP = "urn:mpeg:mpegB:cicp:ChannelConfiguration";

  /** Legacy scheme whose value is simply the channel count. */
  public static final String MPEG_DASH_23003 =
      "urn:mpeg:dash:23003:3:audio_channel_configuration:2011";

  public AudioChannelConfiguration {
    Objects.requireNonNull(schemeIdUri, "schemeIdUri");
    Objects.requireNonNull(value, "value");
  }

  /** CICP value for common channel counts: 1-6 map directly (6 = 5.1), 8 maps to 12 (7.1). */
  public static AudioChannelConfiguration ofChannels(int channels) {
    int cicp =
        switch (channels) {
          case 1, 2, 3, 4, 5, 6 -> channels;
          case 8 -> 12;
          default -> -1;
        };
    if (cicp < 0) {
      return new AudioChannelConfiguration(MPEG_DASH_23003, Integer.toString(channels));
    }
    return new AudioChannelConfiguration(CICP, Integer.toString(cicp));
  }
}
