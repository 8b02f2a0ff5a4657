package io.reelay.hls;

/**
 * EXT-X-SERVER-CONTROL. Bounds relative to the target durations are checked by {@link
 * MediaPlaylist}, which knows them.
 *
 * @param canBlockReload server honours {@code _HLS_msn}/{@code _HLS_part} blocking reloads
 * @param canSkipUntil skip boundary in seconds for delta updates, null when not offered
 * @param canSkipDateRanges delta updates may also skip EXT-X-DATERANGE tags
 * @param holdBack HOLD-BACK seconds, null to let clients use the default (3x target duration)
 * @param partHoldBack PART-HOLD-BACK seconds, required when the playlist has parts
 */
public record ServerControl(
    boolean canBlockReload,
    Double canSkipUntil,
    boolean canSkipDateRanges,
    Double holdBack,
    Double partHoldBack) {

  public ServerControl {
    if (canSkipDateRanges && canSkipUntil == null) {
      throw new IllegalArgumentException("CAN-SKIP-DATERANGES requires CAN-SKIP-UNTIL");
    }
    checkPositive("CAN-SKIP-UNTIL", canSkipUntil);
    checkPositive("HOLD-BACK", holdBack);
    checkPositive("PART-HOLD-BACK", partHoldBack);
  }

  /** Blocking reload with the given PART-HOLD-BACK, the LL-HLS minimum. */
  public static ServerControl lowLatency(double partHoldBack) {
    return new ServerControl(true, null, false, null, partHoldBack);
  }

  public ServerControl withCanSkipUntil(double seconds) {
    return new ServerControl(canBlockReload, seconds, canSkipDateRanges, holdBack, partHoldBack);
  }

  public ServerControl withHoldBack(double seconds) {
    return new ServerControl(
        canBlockReload, canSkipUntil, canSkipDateRanges, seconds, partHoldBack);
  }

  private static void checkPositive(String name, Double value) {
    if (value != null && !(value > 0)) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }
}
