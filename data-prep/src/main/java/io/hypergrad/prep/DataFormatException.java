package io.hypergrad.prep;

/** A malformed input: the message names the file, the line (or record) and the field. */
public final class DataFormatException extends IllegalArgumentException {
  public DataFormatException(String file, long line, String field, String problem) {
    super(file + ":" + line + ": " + (field == null ? "" : "field " + field + ": ") + problem);
  }

  /** A message that already names where the bad input is. */
  public DataFormatException(String message) {
    super(message);
  }
}
