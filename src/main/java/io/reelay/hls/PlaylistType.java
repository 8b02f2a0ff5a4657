package io.reelay.hls;

/** EXT-X-PLAYLIST-TYPE. A plain live (sliding window) playlist has no type, i.e. null. */
public enum PlaylistType {
  EVENT,
  VOD
}
