package io.reelay.config;

/** A setting that cannot be used; the message names the setting and says why, in one line. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String setting, String why) {
    super(setting + ": " + why);
  }
}
