package io.reelay.vod;

import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Passes a playback token on to every URL a stored playlist names, so a player that loaded the
 * master with {@code ?token=…} fetches every rendition playlist, init, segment and sprite with it
 * too (relative resolution drops the parent's query, hence the rewrite). The stored playlists stay
 * token-free; only the copy served to a signed request carries it.
 */
final class SignedPlaylists {
  private static final Pattern HLS_URI_ATTRIBUTE = Pattern.compile("URI=\"([^\"]*)\"");
  private static final Pattern MPD_TEMPLATE =
      Pattern.compile("\\b(media|initialization)=\"([^\"]*)\"");
  private static final Pattern VTT_IMAGE = Pattern.compile("(?m)^([^\\s#]+\\.jpg)(#\\S*)?$");

  private SignedPlaylists() {}

  /** {@code query} is URL-safe ({@code token=…}); the result is what to serve for {@code name}. */
  static String sign(String name, String text, String query) {
    if (name.endsWith(".m3u8")) {
      return hls(text, query);
    } else if (name.endsWith(".mpd")) {
      return replaceAll(
          MPD_TEMPLATE, text, m -> m.group(1) + "=\"" + with(m.group(2), query) + "\"");
    } else if (name.endsWith(".vtt")) {
      return replaceAll(
          VTT_IMAGE, text, m -> with(m.group(1), query) + (m.group(2) == null ? "" : m.group(2)));
    }
    return text;
  }

  private static String hls(String text, String query) {
    StringBuilder out = new StringBuilder(text.length() + 256);
    for (String line : text.split("\n", -1)) {
      String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
      if (l.isBlank()) {
        out.append(line);
      } else if (l.startsWith("#")) {
        out.append(
            replaceAll(HLS_URI_ATTRIBUTE, line, m -> "URI=\"" + with(m.group(1), query) + "\""));
      } else {
        out.append(with(l, query)).append(line.substring(l.length()));
      }
      out.append('\n');
    }
    out.setLength(out.length() - 1); // split kept the text's own last line ending
    return out.toString();
  }

  private static String with(String url, String query) {
    return url + (url.indexOf('?') >= 0 ? '&' : '?') + query;
  }

  private static String replaceAll(
      Pattern pattern, String text, Function<MatchResult, String> replacement) {
    return pattern.matcher(text).replaceAll(m -> Matcher.quoteReplacement(replacement.apply(m)));
  }
}
