package io.reelay.upload;

/** A request the upload capability refuses, with the status and error code the client sees. */
final class UploadException extends RuntimeException {
  private final int status;
  private final String code;

  UploadException(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  static UploadException badRequest(String message) {
    return new UploadException(400, "bad_request", message);
  }

  static UploadException notFound() {
    return new UploadException(404, "not_found", "no such upload");
  }
}
