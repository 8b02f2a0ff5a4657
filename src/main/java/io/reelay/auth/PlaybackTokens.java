package io.reelay.auth;

import io.reelay.config.ReelayConfig;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed playback tokens for private media: an HMAC-SHA256 over a path prefix and an expiry,
 * carried as one query parameter ({@code token=<expiry>.<prefix-b64>.<mac-b64>}) that playlists
 * propagate to every child URL. A CDN can cache per path; the origin checks the token on every
 * request without any lookup.
 */
public final class PlaybackTokens {
  private final byte[] key;

  /**
   * The node's tokens: the key is derived from the admin token, which every node of a deployment
   * shares, so a token signed by one node verifies on any other without another secret to deploy.
   */
  public static PlaybackTokens forConfig(ReelayConfig config) {
    byte[] admin = config.adminToken().orElseThrow().getBytes(StandardCharsets.UTF_8);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(admin, "HmacSHA256"));
      return new PlaybackTokens(
          mac.doFinal("reelay playback tokens v1".getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  public PlaybackTokens(byte[] key) {
    if (key.length < 32) {
      throw new IllegalArgumentException("signing key must have at least 256 bits");
    }
    this.key = key.clone();
  }

  public String sign(String pathPrefix, long expiresAtEpochSeconds) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String prefix = b64.encodeToString(pathPrefix.getBytes(StandardCharsets.UTF_8));
    String payload = expiresAtEpochSeconds + "." + prefix;
    return payload + "." + b64.encodeToString(mac(payload));
  }

  /** True when {@code token} is authentic, unexpired and covers {@code path}. */
  public boolean verify(String token, String path, long nowEpochSeconds) {
    if (token == null || token.length() > 2048) {
      return false;
    }
    int lastDot = token.lastIndexOf('.');
    int firstDot = token.indexOf('.');
    if (firstDot <= 0 || lastDot <= firstDot) {
      return false;
    }
    String payload = token.substring(0, lastDot);
    byte[] given;
    byte[] prefixBytes;
    long expires;
    try {
      given = Base64.getUrlDecoder().decode(token.substring(lastDot + 1));
      prefixBytes = Base64.getUrlDecoder().decode(token.substring(firstDot + 1, lastDot));
      expires = Long.parseLong(token.substring(0, firstDot));
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (!MessageDigest.isEqual(mac(payload), given) || nowEpochSeconds > expires) {
      return false;
    }
    String prefix = new String(prefixBytes, StandardCharsets.UTF_8);
    return path.startsWith(prefix) && !path.contains("..");
  }

  private byte[] mac(String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
