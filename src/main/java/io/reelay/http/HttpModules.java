package io.reelay.http;

import io.reelay.auth.AccountsHttpModule;
import io.reelay.config.ReelayConfig;
import io.reelay.live.LiveHttpModule;
import io.reelay.stream.StreamApiModule;
import io.reelay.upload.UploadHttpModule;
import io.reelay.viewer.PositionsHttpModule;
import io.reelay.vod.VodAccessModule;
import io.reelay.vod.VodDeleteModule;
import io.reelay.vod.VodMediaModule;
import io.reelay.web.WebAppHttpModule;
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
    byRole.put("upload", List.of(UploadHttpModule::new));
    byRole.put(
        "delivery",
        // VOD and live media first, the web app's catch-all pages last.
        List.of(
            VodMediaModule::new,
            VodDeleteModule::new,
            VodAccessModule::new,
            LiveHttpModule::new,
            StreamApiModule::new,
            AccountsHttpModule::new,
            PositionsHttpModule::new,
            WebAppHttpModule::new));
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
