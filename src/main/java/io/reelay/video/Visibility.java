package io.reelay.video;

import java.util.Locale;
import java.util.Optional;

/**
 * Who may find and watch a video: {@code PUBLIC} (listed, no token), {@code UNLISTED} (not listed,
 * playable by anyone with the link) and {@code PRIVATE} (listed and playable only for its owner and
 * admins; its media need a signed playback token).
 */
public enum Visibility {
  PUBLIC,
  UNLISTED,
  PRIVATE;

  /** The lower-case name used in JSON and the API. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Records written before visibility existed are public, as they were listed to everyone. */
  public static Visibility fromWire(String value) {
    return value == null ? PUBLIC : valueOf(value.toUpperCase(Locale.ROOT));
  }

  /** The value a client sent, or empty when it names no visibility. */
  public static Optional<Visibility> parse(String value) {
    for (Visibility v : values()) {
      if (v.wire().equals(value)) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }
}
