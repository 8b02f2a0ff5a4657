package reelay;

import java.time.Duration;

/** Simulation parameters from system properties (-Dname=value), with defaults for a local run. */
final class Params {
  private Params() {}

  static String string(String name, String fallback) {
    String v = System.getProperty(name);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  static int integer(String name, int fallback) {
    return Integer.parseInt(string(name, Integer.toString(fallback)));
  }

  static double decimal(String name, double fallback) {
    return Double.parseDouble(string(name, Double.toString(fallback)));
  }

  static String baseUrl() {
    return string("baseUrl", "http://127.0.0.1:8080");
  }

  static int users() {
    return integer("users", 10);
  }

  static Duration duration() {
    return Duration.ofSeconds(integer("duration", 30));
  }

  static Duration rampUp() {
    return Duration.ofSeconds(integer("rampUp", 5));
  }

  /** p99 response time bound in milliseconds; the run fails above it. */
  static int p99Ms() {
    return integer("p99Ms", 200);
  }
}
