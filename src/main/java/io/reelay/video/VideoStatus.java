package io.reelay.video;

import java.util.Locale;

/** Where a video is in its life: bytes arriving, being transcoded, playable, or given up on. */
public enum VideoStatus {
  UPLOADING,
  PROCESSING,
  READY,
  FAILED;

  /** The lower-case name used in JSON and the API. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static VideoStatus fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
