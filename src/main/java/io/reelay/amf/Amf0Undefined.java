package io.reelay.amf;

/** The AMF0 {@code undefined} value; distinct from {@code null}, which Java null represents. */
public enum Amf0Undefined {
  INSTANCE;

  @Override
  public String toString() {
    return "undefined";
  }
}
