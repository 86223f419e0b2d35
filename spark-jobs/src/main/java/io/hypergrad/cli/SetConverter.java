package io.hypergrad.cli;

import picocli.CommandLine;

/** {@code --set KEY=VALUE}: anything else is a malformed command line (exit 2), not a bad config (exit 1). */
final class SetConverter implements CommandLine.ITypeConverter<String> {
  @Override
  public String convert(String value) {
    int eq = value.indexOf('=');
    if (eq <= 0) {
      throw new CommandLine.TypeConversionException("expected KEY=VALUE, got '" + value + "'");
    }
    return value;
  }
}
