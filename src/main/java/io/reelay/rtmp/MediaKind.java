package io.reelay.rtmp;

/** Audio or video, for events that concern either. */
public enum MediaKind {
  AUDIO,
  VIDEO
}
