package io.hypergrad.config;

/** A config that cannot run: unknown key, wrong type, out-of-range value. The message names where. */
public final class InvalidConfigException extends IllegalArgumentException {
  public InvalidConfigException(String message) {
    super(message);
  }

  public InvalidConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
