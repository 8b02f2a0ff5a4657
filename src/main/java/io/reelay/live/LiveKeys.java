package io.reelay.live;

/** Redis keys and channels of the live window: one place, so writer and readers agree. */
public final class LiveKeys {
  private LiveKeys() {}

  public static final String NOTIFY_PATTERN = "reelay:live:notify:*";

  public static String state(String streamId) {
    return "reelay:live:" + streamId + ":state";
  }

  public static String notifyChannel(String streamId) {
    return "reelay:live:notify:" + streamId;
  }

  public static String init(String streamId, String rendition, int generation) {
    return "reelay:live:" + streamId + ":" + rendition + ":init:" + generation;
  }

  public static String segment(String streamId, String rendition, long msn) {
    return "reelay:live:" + streamId + ":" + rendition + ":seg:" + msn;
  }

  public static String part(String streamId, String rendition, long msn, int part) {
    return "reelay:live:" + streamId + ":" + rendition + ":part:" + msn + "." + part;
  }

  /** S3 object of an archived live segment (the DVR window and live-to-VOD read these). */
  public static String archivedSegment(String streamId, String rendition, long msn) {
    return String.format(
        java.util.Locale.ROOT, "live/%s/%s/seg-%05d.m4s", streamId, rendition, msn);
  }

  /** S3 object of an archived init segment. */
  public static String archivedInit(String streamId, String rendition, int generation) {
    return "live/" + streamId + "/" + rendition + "/init-" + generation + ".mp4";
  }
}
