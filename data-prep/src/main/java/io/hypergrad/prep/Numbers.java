package io.hypergrad.prep;

import java.nio.file.Path;

/** Parses one finite number of a raw file, or fails naming file, line and field. */
final class Numbers {
  private Numbers() {}

  static double parse(String field, Path file, long line, String name) {
    try {
      double v = Double.parseDouble(field);
      if (Double.isFinite(v)) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new DataFormatException(file.toString(), line, name, "expected a finite number, found '" + field + "'");
  }
}
