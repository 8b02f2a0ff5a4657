package io.reelay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReelayConfigTest {

  private static ReelayConfig load(Map<String, String> env) {
    return ReelayConfig.load(new Settings(env, Map.of()));
  }

  private static void assertRejected(String setting, Map<String, String> env) {
    ConfigException e = assertThrows(ConfigException.class, () -> load(env));
    assertTrue(e.getMessage().startsWith(setting + ": "), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
  }

  @Test
  @DisplayName("defaults: ports 8080 and 1935, ./data, all roles, everything embedded")
  void defaults() {
    ReelayConfig c = load(Map.of());
    assertEquals(8080, c.httpPort());
    assertEquals(1935, c.rtmpPort());
    assertTrue(c.dataDir().endsWith("data"));
    assertEquals(Set.copyOf(ReelayConfig.ALL_ROLES), c.roles());
    assertTrue(c.kafkaBootstrap().isEmpty() && c.redisUrl().isEmpty() && c.s3Endpoint().isEmpty());
  }

  @Test
  @DisplayName("a system property wins over the environment variable")
  void systemPropertyWins() {
    ReelayConfig c =
        ReelayConfig.load(
            new Settings(Map.of("REELAY_HTTP_PORT", "9000"), Map.of("reelay.http.port", "9001")));
    assertEquals(9001, c.httpPort());
  }

  @Test
  @DisplayName("bad values stop start-up with one line naming the setting")
  void badValues() {
    assertRejected("REELAY_HTTP_PORT", Map.of("REELAY_HTTP_PORT", "70000"));
    assertRejected("REELAY_HTTP_PORT", Map.of("REELAY_HTTP_PORT", "http"));
    assertRejected("REELAY_RTMP_PORT", Map.of("REELAY_RTMP_PORT", "-1"));
    assertRejected("REELAY_REDIS_URL", Map.of("REELAY_REDIS_URL", "http://x:1"));
    assertRejected("REELAY_REDIS_URL", Map.of("REELAY_REDIS_URL", "redis://bad host:6379"));
    assertRejected("REELAY_KAFKA_BOOTSTRAP", Map.of("REELAY_KAFKA_BOOTSTRAP", "localhost"));
    assertRejected("REELAY_KAFKA_BOOTSTRAP", Map.of("REELAY_KAFKA_BOOTSTRAP", "h:99999"));
    assertRejected("REELAY_S3_ENDPOINT", Map.of("REELAY_S3_ENDPOINT", "ftp://x"));
    assertRejected("REELAY_S3_ACCESS_KEY", Map.of("REELAY_S3_ENDPOINT", "http://127.0.0.1:9000"));
    assertRejected("REELAY_S3_BUCKET", Map.of("REELAY_S3_BUCKET", "Bad_Bucket"));
    assertRejected("REELAY_ROLES", Map.of("REELAY_ROLES", "ingest,teleport"));
  }

  @Test
  @DisplayName("roles: 'all' expands, 'worker' alone is a worker-only node")
  void roles() {
    assertEquals(Set.of("worker"), load(Map.of("REELAY_ROLES", "worker")).roles());
    assertTrue(load(Map.of("REELAY_ROLES", "services")).servicesOnly());
    assertEquals(
        Set.of("ingest", "upload", "worker", "delivery"),
        load(Map.of("REELAY_ROLES", " ingest, upload,worker ,delivery")).roles());
  }

  @Test
  @DisplayName("an unusable data directory is refused naming REELAY_DATA_DIR")
  void unusableDataDir(@TempDir Path tmp) throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    ConfigException e =
        assertThrows(ConfigException.class, () -> DataDir.prepare(file.resolve("sub")));
    assertTrue(e.getMessage().startsWith("REELAY_DATA_DIR: "), e.getMessage());
    assertEquals(tmp.resolve("ok"), DataDir.prepare(tmp.resolve("ok")));
  }

  @Test
  @DisplayName("JSON round trip keeps every setting")
  void jsonRoundTrip() {
    ReelayConfig c =
        load(
            Map.of(
                "REELAY_KAFKA_BOOTSTRAP", "k1:9092,k2:9092",
                "REELAY_REDIS_URL", "redis://r:6379",
                "REELAY_S3_ENDPOINT", "http://s3:9000",
                "REELAY_S3_ACCESS_KEY", "a",
                "REELAY_S3_SECRET_KEY", "s",
                "REELAY_ROLES", "worker"));
    assertEquals(c, ReelayConfig.fromJson(c.toJson()));
  }

  @Test
  @DisplayName("generated secrets are stored owner-only and reused")
  void secrets(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("admin-token");
    String first = Secrets.readOrCreate(file, 32);
    assertEquals(first, Secrets.readOrCreate(file, 32));
    assertTrue(first.length() >= 40);
    assertEquals(
        "rw-------",
        java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }
}
