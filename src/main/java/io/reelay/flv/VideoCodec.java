package io.reelay.flv;

/** Legacy FLV video codec ids (lower nibble of the first byte when the ex-header bit is clear). */
public enum VideoCodec {
  JPEG(1),
  SORENSON_H263(2),
  SCREEN_VIDEO(3),
  VP6(4),
  VP6_ALPHA(5),
  SCREEN_VIDEO_V2(6),
  AVC(7),
  UNKNOWN(-1);

  public final int id;

  VideoCodec(int id) {
    this.id = id;
  }

  public static VideoCodec of(int id) {
    for (VideoCodec c : values()) {
      if (c.id == id) {
        return c;
      }
    }
    return UNKNOWN;
  }
}
