package io.reelay.platform;

import io.reelay.config.ConfigException;
import io.reelay.config.ReelayConfig;
import io.reelay.config.Settings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The deployment descriptor ({@code verticles.json}): one entry per verticle, its roles, and {@link
 * DeploymentOptions} in their own JSON form. {@code REELAY_<NAME>_INSTANCES} and {@code
 * REELAY_<NAME>_CONFIG} (JSON) override an entry; {@code REELAY_VERTICLES} names another file.
 */
public final class Deployment {
  /** One verticle to deploy. */
  public record Entry(String name, String main, List<String> roles, DeploymentOptions options) {}

  private Deployment() {}

  public static List<Entry> load(Settings settings, ReelayConfig config) {
    JsonObject descriptor = read(settings);
    List<Entry> entries = new ArrayList<>();
    for (String name : descriptor.fieldNames()) {
      JsonObject spec = descriptor.getJsonObject(name);
      List<String> roles = new ArrayList<>();
      spec.getJsonArray("roles").forEach(r -> roles.add(String.valueOf(r)));
      if (roles.stream().noneMatch(config::hasRole)) {
        continue;
      }
      JsonObject optionsJson = spec.getJsonObject("options", new JsonObject()).copy();
      String prefix = "REELAY_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
      settings
          .get(prefix + "_INSTANCES")
          .ifPresent(v -> optionsJson.put("instances", instances(prefix + "_INSTANCES", v)));
      JsonObject verticleConfig = optionsJson.getJsonObject("config", new JsonObject());
      settings
          .get(prefix + "_CONFIG")
          .ifPresent(v -> verticleConfig.mergeIn(json(prefix + "_CONFIG", v)));
      verticleConfig.put(VerticleConfig.KEY, config.toJson());
      optionsJson.put("config", verticleConfig);
      entries.add(
          new Entry(name, spec.getString("main"), roles, new DeploymentOptions(optionsJson)));
    }
    return entries;
  }

  private static JsonObject read(Settings settings) {
    String file = settings.get("REELAY_VERTICLES").orElse(null);
    try {
      String text;
      if (file != null) {
        text = Files.readString(Path.of(file));
      } else {
        try (InputStream in = Deployment.class.getResourceAsStream("/verticles.json")) {
          if (in == null) {
            throw new ConfigException("REELAY_VERTICLES", "verticles.json is missing from the jar");
          }
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
      return json("REELAY_VERTICLES", text);
    } catch (IOException e) {
      throw new ConfigException("REELAY_VERTICLES", "cannot read " + file + " (" + e + ")");
    }
  }

  private static JsonObject json(String setting, String text) {
    try {
      return new JsonObject(text);
    } catch (DecodeException e) {
      throw new ConfigException(setting, "not valid JSON: " + e.getMessage());
    }
  }

  private static int instances(String setting, String raw) {
    try {
      int n = Integer.parseInt(raw);
      if (n < 1 || n > 256) {
        throw new ConfigException(setting, "instances must be 1..256, got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ConfigException(setting, "'" + raw + "' is not a number");
    }
  }
}
