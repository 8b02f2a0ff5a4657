package io.reelay.stream;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Stream ids and stream keys. A key carries 256 random bits and is stored only as its SHA-256, so a
 * Redis dump reveals no usable key; a fast hash is enough because the key is not guessable.
 */
public final class StreamKeys {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  /** Longest key we hash: anything longer is not one of ours. */
  public static final int MAX_KEY_LENGTH = 128;

  private StreamKeys() {}

  /** 96 random bits, URL-safe: matches the live path's {@code [A-Za-z0-9_-]{1,64}}. */
  public static String newId() {
    byte[] b = new byte[12];
    RANDOM.nextBytes(b);
    return URL.encodeToString(b);
  }

  /** 256 random bits, prefixed so a leaked key is recognisable in logs and secret scanners. */
  public static String newKey() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return "rl_" + URL.encodeToString(b);
  }

  public static String hash(String key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
