package io.reelay.flv;

/** FLV audio tag sound format (upper nibble of the first byte). */
public enum SoundFormat {
  LINEAR_PCM_PLATFORM(0),
  ADPCM(1),
  MP3(2),
  LINEAR_PCM_LE(3),
  NELLYMOSER_16K_MONO(4),
  NELLYMOSER_8K_MONO(5),
  NELLYMOSER(6),
  G711_A_LAW(7),
  G711_MU_LAW(8),
  /** Enhanced RTMP uses 9 as "ex-header": a FourCC (e.g. Opus, AC-3) follows. */
  EX_HEADER(9),
  AAC(10),
  SPEEX(11),
  MP3_8K(14),
  DEVICE_SPECIFIC(15),
  UNKNOWN(-1);

  public final int id;

  SoundFormat(int id) {
    this.id = id;
  }

  public static SoundFormat of(int id) {
    for (SoundFormat f : values()) {
      if (f.id == id) {
        return f;
      }
    }
    return UNKNOWN;
  }
}
