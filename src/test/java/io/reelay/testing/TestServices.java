package io.reelay.testing;

import io.reelay.config.ReelayConfig;
import io.reelay.config.Settings;
import io.reelay.embedded.BackingServices;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Real embedded Kafka, Redis and S3 on random loopback ports, started once per test JVM and shared
 * by the test classes that need them (starting Kafka per class would dominate the build time).
 */
public final class TestServices {
  private static BackingServices services;

  private TestServices() {}

  public static synchronized ReelayConfig config() {
    if (services == null) {
      try {
        Path dir = Files.createTempDirectory("reelay-test-");
        ReelayConfig requested =
            ReelayConfig.load(
                new Settings(
                    Map.of(
                        "REELAY_DATA_DIR", dir.toString(),
                        "REELAY_HTTP_PORT", "0",
                        "REELAY_RTMP_PORT", "0",
                        "REELAY_HTTP_HOST", "127.0.0.1",
                        "REELAY_ADMIN_TOKEN", "test-admin-token"),
                    Map.of()));
        services = BackingServices.start(requested);
        Runtime.getRuntime().addShutdownHook(new Thread(services::close));
      } catch (Exception e) {
        throw new IllegalStateException("cannot start the embedded test services", e);
      }
    }
    return services.config();
  }

  /** A verticle deployment config carrying the shared services' node configuration. */
  public static JsonObject verticleConfig() {
    return new JsonObject().put("reelay", config().toJson());
  }
}
