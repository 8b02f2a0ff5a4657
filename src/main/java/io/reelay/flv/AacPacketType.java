package io.reelay.flv;

/** Second byte of an AAC audio tag. */
public enum AacPacketType {
  SEQUENCE_HEADER(0),
  RAW(1);

  public final int value;

  AacPacketType(int value) {
    this.value = value;
  }

  public static AacPacketType of(int value) {
    return switch (value) {
      case 0 -> SEQUENCE_HEADER;
      case 1 -> RAW;
      default -> null;
    };
  }
}
