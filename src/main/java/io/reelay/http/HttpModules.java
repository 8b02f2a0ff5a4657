package io.reelay.http;

import io.reelay.config.ReelayConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Which HTTP modules a process mounts, by role. The one list to extend with a new capability. */
public final class HttpModules {
  private HttpModules() {}

  /** Role → modules, in mounting order (more specific paths first). */
  private static Map<String, List<Supplier<HttpModule>>> registry() {
    Map<String, List<Supplier<HttpModule>>> byRole = new LinkedHashMap<>();
    byRole.put("upload", List.of(io.reelay.upload.UploadHttpModule::new));
    byRole.put(
        "delivery", List.of(io.reelay.vod.VodMediaModule::new, io.reelay.vod.VodDeleteModule::new));
    return byRole;
  }

  public static List<HttpModule> forConfig(ReelayConfig config) {
    List<HttpModule> modules = new ArrayList<>();
    registry()
        .forEach(
            (role, suppliers) -> {
              if (config.hasRole(role)) {
                suppliers.forEach(s -> modules.add(s.get()));
              }
            });
    return modules;
  }
}
