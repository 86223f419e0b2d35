package io.hypergrad.jobs;

import java.io.File;
import java.nio.file.Path;
import java.util.List;

/**
 * What the command line gives every job: the config file, its {@code --set} overrides, the output
 * directory (a local path, or a Hadoop FileSystem URI such as {@code hdfs://nn/runs/x}) and whether an
 * existing one may be replaced.
 */
public record RunOptions(File conf, List<String> sets, String out, boolean overwrite) {
  public RunOptions(File conf, List<String> sets, Path out, boolean overwrite) {
    this(conf, sets, out.toString(), overwrite);
  }
}
