package io.reelay.dash;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SegmentTemplate patterns, relative to the MPD at the presentation root. The defaults address the
 * same CMAF files as {@code io.reelay.hls.HlsNaming.DEFAULT} when each Representation's id is the
 * rendition directory name ({@code 720p/init.mp4}, {@code 720p/seg-00012.m4s}).
 */
public record DashNaming(String initialization, String media) {

  /** Number-addressed segments, matching the HLS media sequence numbers. */
  public static final DashNaming DEFAULT =
      new DashNaming("$RepresentationID$/init.mp4", "$RepresentationID$/seg-$Number%05d$.m4s");

  /** Time-addressed segments, for storage that names files by decode time. */
  public static final DashNaming TIME_BASED =
      new DashNaming("$RepresentationID$/init.mp4", "$RepresentationID$/seg-$Time$.m4s");

  private static final Pattern IDENTIFIER =
      Pattern.compile("\\$(RepresentationID|Number|Time|Bandwidth)(%0(\\d+)d)?\\$|\\$\\$");

  public DashNaming {
    Objects.requireNonNull(initialization, "initialization");
    Objects.requireNonNull(media, "media");
  }

  /**
   * Resolves a template the way a DASH client does: {@code $RepresentationID$}, {@code $Number$},
   * {@code $Time$}, {@code $Bandwidth$} with optional {@code %0Nd} width, and {@code $$}.
   */
  public static String expand(
      String template, String representationId, long number, long time, long bandwidth) {
    Matcher m = IDENTIFIER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement;
      if (m.group(1) == null) {
        replacement = "$";
      } else {
        replacement =
            switch (m.group(1)) {
              case "RepresentationID" -> representationId;
              case "Number" -> format(number, m.group(3));
              case "Time" -> format(time, m.group(3));
              default -> format(bandwidth, m.group(3));
            };
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String format(long value, String width) {
    return width == null
        ? Long.toString(value)
        : String.format(Locale.ROOT, "%0" + width + "d", value);
  }
}
