package io.reelay.upload;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * The tus checksum extension: {@code Upload-Checksum: <algorithm> <base64 digest>} over one request
 * body. Only the algorithms advertised in {@code Tus-Checksum-Algorithm} are accepted.
 */
final class UploadChecksum {
  static final String ADVERTISED = "sha1,sha256,md5";
  private static final Map<String, String> JCA =
      Map.of("sha1", "SHA-1", "sha256", "SHA-256", "md5", "MD5");

  private final MessageDigest digest;
  private final byte[] expected;

  private UploadChecksum(MessageDigest digest, byte[] expected) {
    this.digest = digest;
    this.expected = expected;
  }

  /** Null when the header is absent. */
  static UploadChecksum parse(String header) {
    if (header == null) {
      return null;
    }
    String[] parts = header.trim().split(" ");
    if (parts.length != 2) {
      throw UploadException.badRequest("Upload-Checksum must be '<algorithm> <base64 digest>'");
    }
    String jca = JCA.get(parts[0].toLowerCase(Locale.ROOT));
    if (jca == null) {
      throw UploadException.badRequest(
          "unsupported checksum algorithm '" + parts[0] + "' (supported: " + ADVERTISED + ")");
    }
    try {
      MessageDigest digest = MessageDigest.getInstance(jca);
      byte[] expected = Base64.getDecoder().decode(parts[1]);
      if (expected.length != digest.getDigestLength()) {
        throw UploadException.badRequest("Upload-Checksum digest has the wrong length");
      }
      return new UploadChecksum(digest, expected);
    } catch (IllegalArgumentException e) {
      throw UploadException.badRequest("Upload-Checksum digest is not base64");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(jca + " is part of every JDK", e);
    }
  }

  void update(Buffer bytes) {
    // Hashes the buffer's memory in place rather than a copy of it.
    digest.update(((BufferInternal) bytes).getByteBuf().nioBuffer());
  }

  boolean matches() {
    return MessageDigest.isEqual(digest.digest(), expected);
  }
}
