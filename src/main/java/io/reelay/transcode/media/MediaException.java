package io.reelay.transcode.media;

/** A source or output that FFmpeg cannot handle; the message is meant for humans (and logs). */
public class MediaException extends Exception {
  private static final long serialVersionUID = 1L;

  public MediaException(String message) {
    super(message);
  }

  public MediaException(String message, Throwable cause) {
    super(message, cause);
  }
}
