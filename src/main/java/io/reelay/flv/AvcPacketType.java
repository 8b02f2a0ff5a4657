package io.reelay.flv;

/** Second byte of an AVC video tag. */
public enum AvcPacketType {
  SEQUENCE_HEADER(0),
  NALU(1),
  END_OF_SEQUENCE(2);

  public final int value;

  AvcPacketType(int value) {
    this.value = value;
  }

  /** Returns the packet type, or null for a value the spec does not define. */
  public static AvcPacketType of(int value) {
    return switch (value) {
      case 0 -> SEQUENCE_HEADER;
      case 1 -> NALU;
      case 2 -> END_OF_SEQUENCE;
      default -> null;
    };
  }
}
