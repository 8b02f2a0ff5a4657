package io.reelay.flv;

/** A malformed FLV audio/video tag body or codec configuration record. */
public final class FlvException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FlvException(String message) {
    super(message);
  }
}
