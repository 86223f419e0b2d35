package io.hypergrad.output;

/** The host name as locks and staging directories write it, for tests in other packages. */
public final class OutputDirectoryAccess {
  private OutputDirectoryAccess() {}

  public static String host() {
    return OutputDirectory.host();
  }
}
