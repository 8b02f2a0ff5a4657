package io.reelay.rtmp;

/**
 * The peer violated the RTMP protocol or one of our resource limits. Always terminal for the
 * connection; {@link RtmpSession} turns it into a {@link RtmpEvent.ProtocolError}.
 */
public final class RtmpProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RtmpProtocolException(String message) {
    super(message);
  }
}
