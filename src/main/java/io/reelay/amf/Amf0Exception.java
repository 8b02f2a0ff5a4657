package io.reelay.amf;

/**
 * Malformed or hostile AMF0 input. Unchecked so decoders stay readable; callers catch it by type.
 */
public final class Amf0Exception extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public Amf0Exception(String message) {
    super(message);
  }
}
