package io.reelay.upload;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Upload ids, which are also the video ids: 144 random bits from a CSPRNG in URL-safe base64 (24
 * characters), so they cannot be guessed. Every id from a request is checked against the format
 * before it goes anywhere (a Redis key, an S3 key); ids never name local files.
 */
public final class UploadIds {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{24}");

  private UploadIds() {}

  public static String next() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public static boolean valid(String id) {
    return id != null && FORMAT.matcher(id).matches();
  }
}
