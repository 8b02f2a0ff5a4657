package io.reelay.config;

import java.util.Map;
import java.util.Optional;

/**
 * Where raw setting values come from: a system property ({@code reelay.http.port}) wins over an
 * environment variable ({@code REELAY_HTTP_PORT}), which wins over the default. One lookup rule for
 * every setting, so operators never guess which source counts.
 */
public final class Settings {
  private final Map<String, String> env;
  private final Map<String, String> props;

  public Settings(Map<String, String> env, Map<String, String> props) {
    this.env = Map.copyOf(env);
    this.props = Map.copyOf(props);
  }

  public static Settings fromSystem() {
    Map<String, String> props = new java.util.HashMap<>();
    System.getProperties().forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
    return new Settings(System.getenv(), props);
  }

  /** {@code REELAY_HTTP_PORT} → {@code reelay.http.port}. */
  static String propertyName(String envName) {
    return envName.toLowerCase(java.util.Locale.ROOT).replace('_', '.');
  }

  public Optional<String> get(String envName) {
    String fromProps = props.get(propertyName(envName));
    if (fromProps != null && !fromProps.isBlank()) {
      return Optional.of(fromProps.trim());
    }
    String fromEnv = env.get(envName);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Optional.of(fromEnv.trim());
    }
    return Optional.empty();
  }

  public String get(String envName, String defaultValue) {
    return get(envName).orElse(defaultValue);
  }

  public int port(String envName, int defaultValue) {
    String raw = get(envName).orElse(null);
    if (raw == null) {
      return defaultValue;
    }
    int port;
    try {
      port = Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      throw new ConfigException(envName, "'" + raw + "' is not a port number");
    }
    if (port < 0 || port > 65535) {
      throw new ConfigException(envName, "port " + port + " is out of range 0..65535");
    }
    return port;
  }

  public long positiveLong(String envName, long defaultValue) {
    String raw = get(envName).orElse(null);
    if (raw == null) {
      return defaultValue;
    }
    try {
      long value = Long.parseLong(raw);
      if (value <= 0) {
        throw new ConfigException(envName, "must be positive, got " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new ConfigException(envName, "'" + raw + "' is not a whole number");
    }
  }
}
