package io.reelay.restream;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A downstream RTMP server to push a stream to: {@code rtmp://host[:port]/app[/more]/streamName}.
 * The last path segment is the stream name (often a secret key), the rest the application.
 */
public record RestreamTarget(String url, String host, int port, String app, String streamName) {
  static final int MAX_URL = 512;

  /** Parses and validates; throws {@link IllegalArgumentException} with a message for the user. */
  public static RestreamTarget parse(String url) {
    if (url == null || url.isBlank() || url.length() > MAX_URL) {
      throw new IllegalArgumentException("a target is an rtmp:// URL of at most 512 characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: " + e.getReason());
    }
    if (uri.getScheme() == null || !uri.getScheme().toLowerCase(Locale.ROOT).equals("rtmp")) {
      throw new IllegalArgumentException("only rtmp:// targets are supported");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("the target has no host");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getUserInfo() != null) {
      throw new IllegalArgumentException("a target has no query, fragment or credentials");
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    int last = path.lastIndexOf('/');
    if (last <= 0 || last == path.length() - 1) {
      throw new IllegalArgumentException("the target needs an application and a stream name");
    }
    int port = uri.getPort() == -1 ? 1935 : uri.getPort();
    return new RestreamTarget(
        url, uri.getHost(), port, path.substring(1, last), path.substring(last + 1));
  }

  /** The URL without its stream name (which is usually a secret), for status output. */
  public String redacted() {
    return "rtmp://" + host + ":" + port + "/" + app + "/…";
  }

  String tcUrl() {
    return "rtmp://" + host + ":" + port + "/" + app;
  }
}
