package io.reelay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class UploadSettingsTest {
  private static ReelayConfig load(Map<String, String> env) {
    return ReelayConfig.load(new Settings(env, Map.of()));
  }

  private static void assertRejected(String setting, Map<String, String> env) {
    ConfigException e = assertThrows(ConfigException.class, () -> load(env));
    assertTrue(e.getMessage().startsWith(setting + ": "), e.getMessage());
  }

  @Test
  @DisplayName("defaults: 20 GiB, 4 per user, 24 h, 8 MiB parts, 30 s / 16 KiB stall rule")
  void defaults() {
    UploadSettings u = load(Map.of()).upload();
    assertEquals(20L << 30, u.maxSize());
    assertEquals(4, u.maxConcurrent());
    assertEquals(Duration.ofHours(24), u.expiry());
    assertEquals(8L << 20, u.partSize());
    assertEquals(Duration.ofSeconds(30), u.stallTimeout());
    assertEquals(16L << 10, u.stallMinBytes());
    assertEquals(0, u.warmupBytes(), "no start-up warm-up unless asked for");
    assertEquals(0, load(Map.of("REELAY_UPLOAD_WARMUP", "0")).upload().warmupBytes(), "0 is off");
    assertEquals(u, UploadSettings.fromJson(u.toJson()));
  }

  @Test
  @DisplayName("sizes and durations take units; the config survives its JSON form")
  void units() {
    ReelayConfig c =
        load(
            Map.of(
                "REELAY_UPLOAD_MAX_SIZE", "1TiB",
                "REELAY_UPLOAD_PART_SIZE", "128MiB",
                "REELAY_UPLOAD_EXPIRY", "90m",
                "REELAY_UPLOAD_STALL_TIMEOUT", "1500ms",
                "REELAY_UPLOAD_STALL_MIN_BYTES", "1024",
                "REELAY_UPLOAD_WARMUP", "512MiB",
                "REELAY_S3_PUBLIC_ENDPOINT", "https://s3.example.com"));
    assertEquals(1L << 40, c.upload().maxSize());
    assertEquals(128L << 20, c.upload().partSize());
    assertEquals(Duration.ofMinutes(90), c.upload().expiry());
    assertEquals(Duration.ofMillis(1500), c.upload().stallTimeout());
    assertEquals(512L << 20, c.upload().warmupBytes());
    assertEquals("https://s3.example.com", c.s3EndpointForClients());
    assertEquals(c, ReelayConfig.fromJson(c.toJson()));
  }

  @Test
  @DisplayName("bad upload settings stop start-up naming the setting")
  void badValues() {
    assertRejected("REELAY_UPLOAD_MAX_SIZE", Map.of("REELAY_UPLOAD_MAX_SIZE", "lots"));
    assertRejected("REELAY_UPLOAD_MAX_SIZE", Map.of("REELAY_UPLOAD_MAX_SIZE", "-5"));
    assertRejected("REELAY_UPLOAD_MAX_SIZE", Map.of("REELAY_UPLOAD_MAX_SIZE", "99999999999TiB"));
    assertRejected("REELAY_UPLOAD_PART_SIZE", Map.of("REELAY_UPLOAD_PART_SIZE", "1MiB"));
    // 1 TiB in 8 MiB parts would need 131072 parts; S3 allows 10000.
    assertRejected("REELAY_UPLOAD_PART_SIZE", Map.of("REELAY_UPLOAD_MAX_SIZE", "1TiB"));
    assertRejected("REELAY_UPLOAD_EXPIRY", Map.of("REELAY_UPLOAD_EXPIRY", "0s"));
    assertRejected("REELAY_UPLOAD_EXPIRY", Map.of("REELAY_UPLOAD_EXPIRY", "soon"));
    assertRejected("REELAY_UPLOAD_MAX_CONCURRENT", Map.of("REELAY_UPLOAD_MAX_CONCURRENT", "0"));
    assertRejected("REELAY_S3_PUBLIC_ENDPOINT", Map.of("REELAY_S3_PUBLIC_ENDPOINT", "s3.local"));
    assertRejected("REELAY_UPLOAD_WARMUP", Map.of("REELAY_UPLOAD_WARMUP", "-1"));
    assertRejected(
        "REELAY_UPLOAD_WARMUP",
        Map.of("REELAY_UPLOAD_MAX_SIZE", "1GiB", "REELAY_UPLOAD_WARMUP", "1GiB"));
  }
}
