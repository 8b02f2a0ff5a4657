package io.reelay.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PlaybackTokensTest {
  private final PlaybackTokens tokens =
      new PlaybackTokens("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));

  @Test
  @DisplayName("a token covers its path prefix until it expires")
  void coversPrefixUntilExpiry() {
    String t = tokens.sign("/vod/abc/", 1000);
    assertTrue(tokens.verify(t, "/vod/abc/720p/seg-00001.m4s", 999));
    assertTrue(tokens.verify(t, "/vod/abc/master.m3u8", 1000));
    assertFalse(tokens.verify(t, "/vod/abc/master.m3u8", 1001), "expired");
    assertFalse(tokens.verify(t, "/vod/abd/master.m3u8", 10), "other video");
    assertFalse(tokens.verify(t, "/vod/abc/../abd/master.m3u8", 10), "path trick");
  }

  @Test
  @DisplayName("tampered, truncated or foreign tokens are refused")
  void refusesTampering() {
    String t = tokens.sign("/vod/abc/", 1000);
    String[] parts = t.split("\\.");
    assertFalse(tokens.verify("9999." + parts[1] + "." + parts[2], "/vod/abc/x", 10));
    assertFalse(tokens.verify(t.substring(0, t.length() - 2), "/vod/abc/x", 10));
    assertFalse(tokens.verify("garbage", "/vod/abc/x", 10));
    assertFalse(tokens.verify(null, "/vod/abc/x", 10));
    PlaybackTokens other =
        new PlaybackTokens("ffffffffffffffffffffffffffffffff".getBytes(StandardCharsets.UTF_8));
    assertFalse(other.verify(t, "/vod/abc/x", 10));
    assertThrows(IllegalArgumentException.class, () -> new PlaybackTokens(new byte[8]));
  }

  @Test
  @DisplayName("password hashes verify only the right password")
  void passwords() {
    String h = Passwords.hash("correct horse");
    assertTrue(h.startsWith("pbkdf2-sha256$600000$"));
    assertTrue(Passwords.verify("correct horse", h));
    assertFalse(Passwords.verify("correct horsf", h));
    assertFalse(Passwords.verify("x", "md5$whatever"));
  }
}
