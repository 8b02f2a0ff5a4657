package io.reelay.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reelay.config.ConfigException;
import io.reelay.config.ReelayConfig;
import io.reelay.config.Settings;
import io.vertx.core.ThreadingModel;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DeploymentTest {

  private static List<Deployment.Entry> load(Map<String, String> env) {
    Settings settings = new Settings(env, Map.of());
    return Deployment.load(settings, ReelayConfig.load(settings));
  }

  @Test
  @DisplayName("verticles.json lists every verticle of the design, each loadable")
  void everyVerticle() throws Exception {
    List<Deployment.Entry> all = load(Map.of());
    assertEquals(
        Set.of(
            "rtmp-ingest",
            "upload",
            "transcode-dispatch",
            "live-to-vod",
            "transcode-worker",
            "segment-cache",
            "manifest",
            "http-delivery"),
        all.stream().map(Deployment.Entry::name).collect(Collectors.toSet()));
    for (Deployment.Entry e : all) {
      Class<?> type = Class.forName(e.main());
      assertTrue(io.vertx.core.Deployable.class.isAssignableFrom(type), e.main());
      assertTrue(
          e.options().getConfig().containsKey("reelay"), "node config passed to " + e.name());
    }
  }

  @Test
  @DisplayName("the transcode worker runs on worker threads, never on an event loop")
  void workerThreading() {
    Deployment.Entry worker =
        load(Map.of()).stream().filter(e -> e.name().equals("transcode-worker")).findFirst().get();
    assertEquals(ThreadingModel.WORKER, worker.options().getThreadingModel());
  }

  @Test
  @DisplayName("REELAY_ROLES=worker deploys only the transcode worker")
  void workerOnly() {
    List<Deployment.Entry> entries = load(Map.of("REELAY_ROLES", "worker"));
    assertEquals(
        List.of("transcode-worker"), entries.stream().map(Deployment.Entry::name).toList());
  }

  @Test
  @DisplayName("environment variables override instances and verticle config")
  void overrides() {
    Deployment.Entry worker =
        load(
                Map.of(
                    "REELAY_TRANSCODE_WORKER_INSTANCES", "3",
                    "REELAY_TRANSCODE_WORKER_CONFIG", "{\"preset\":\"veryfast\"}"))
            .stream()
            .filter(e -> e.name().equals("transcode-worker"))
            .findFirst()
            .get();
    assertEquals(3, worker.options().getInstances());
    assertEquals("veryfast", worker.options().getConfig().getString("preset"));
    ConfigException e =
        assertThrows(ConfigException.class, () -> load(Map.of("REELAY_UPLOAD_INSTANCES", "zero")));
    assertTrue(e.getMessage().startsWith("REELAY_UPLOAD_INSTANCES: "));
  }
}
