package io.reelay.upload;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tus {@code Upload-Metadata} header: comma-separated {@code key base64(value)} pairs, the
 * value optional. Keys are printable ASCII without spaces or commas and unique; the header is
 * bounded so a client cannot make the server hold large metadata.
 */
final class TusMetadata {
  static final int MAX_HEADER_LENGTH = 4096;

  private TusMetadata() {}

  static Map<String, String> parse(String header) {
    if (header == null || header.isBlank()) {
      return Map.of();
    }
    if (header.length() > MAX_HEADER_LENGTH) {
      throw UploadException.badRequest("Upload-Metadata is longer than " + MAX_HEADER_LENGTH);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : header.split(",", -1)) {
      String trimmed = pair.trim();
      String[] kv = trimmed.split(" ", -1);
      if (trimmed.isEmpty() || kv.length > 2 || !validKey(kv[0])) {
        throw UploadException.badRequest("malformed Upload-Metadata pair '" + trimmed + "'");
      }
      String value;
      try {
        value =
            kv.length == 2
                ? new String(Base64.getDecoder().decode(kv[1]), StandardCharsets.UTF_8)
                : "";
      } catch (IllegalArgumentException e) {
        throw UploadException.badRequest("Upload-Metadata value of '" + kv[0] + "' is not base64");
      }
      if (out.put(kv[0], value) != null) {
        throw UploadException.badRequest("Upload-Metadata repeats the key '" + kv[0] + "'");
      }
    }
    return Collections.unmodifiableMap(out);
  }

  private static boolean validKey(String key) {
    if (key.isEmpty()) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c <= ' ' || c >= 127 || c == ',') {
        return false;
      }
    }
    return true;
  }

  /** The video title a client suggested: {@code title}, else the file name, else empty. */
  static String title(Map<String, String> metadata) {
    String title = metadata.getOrDefault("title", "");
    if (title.isBlank()) {
      title = metadata.getOrDefault("filename", metadata.getOrDefault("name", ""));
    }
    return clean(title);
  }

  /** Titles are shown in UIs: no control characters, bounded length. */
  static String clean(String title) {
    String cleaned = title.replaceAll("\\p{Cntrl}", " ").strip();
    return cleaned.length() > 200 ? cleaned.substring(0, 200) : cleaned;
  }
}
