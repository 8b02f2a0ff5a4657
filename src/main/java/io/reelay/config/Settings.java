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

  /** A size: whole bytes, or with a binary unit ({@code 512KiB}, {@code 8MiB}, {@code 20GiB}). */
  public long bytes(String envName, long defaultValue) {
    String raw = get(envName).orElse(null);
    if (raw == null) {
      return defaultValue;
    }
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(\\d{1,19})\\s*(|B|KiB|MiB|GiB|TiB)").matcher(raw);
    if (!m.matches()) {
      throw new ConfigException(envName, "'" + raw + "' is not a size (e.g. 1048576, 8MiB, 20GiB)");
    }
    int shift =
        switch (m.group(2)) {
          case "KiB" -> 10;
          case "MiB" -> 20;
          case "GiB" -> 30;
          case "TiB" -> 40;
          default -> 0;
        };
    try {
      long value = Long.parseLong(m.group(1));
      if (value <= 0 || value > (Long.MAX_VALUE >> shift)) {
        throw new ConfigException(envName, "'" + raw + "' is out of range");
      }
      return value << shift;
    } catch (NumberFormatException e) {
      throw new ConfigException(envName, "'" + raw + "' is out of range");
    }
  }

  /**
   * A duration: whole seconds, or with a unit ({@code 500ms}, {@code 30s}, {@code 15m}, {@code
   * 24h}, {@code 7d}).
   */
  public java.time.Duration duration(String envName, java.time.Duration defaultValue) {
    String raw = get(envName).orElse(null);
    if (raw == null) {
      return defaultValue;
    }
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(\\d{1,12})\\s*(|ms|s|m|h|d)").matcher(raw);
    if (!m.matches()) {
      throw new ConfigException(envName, "'" + raw + "' is not a duration (e.g. 30s, 15m, 24h)");
    }
    long n = Long.parseLong(m.group(1));
    java.time.Duration d =
        switch (m.group(2)) {
          case "ms" -> java.time.Duration.ofMillis(n);
          case "m" -> java.time.Duration.ofMinutes(n);
          case "h" -> java.time.Duration.ofHours(n);
          case "d" -> java.time.Duration.ofDays(n);
          default -> java.time.Duration.ofSeconds(n);
        };
    if (d.isZero()) {
      throw new ConfigException(envName, "must be positive");
    }
    return d;
  }
}
