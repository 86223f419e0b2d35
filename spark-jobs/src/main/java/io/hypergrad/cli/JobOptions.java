package io.hypergrad.cli;

import io.hypergrad.jobs.RunOptions;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every job takes. */
final class JobOptions {
  @Option(names = "--conf", required = true, description = "HOCON config, e.g. conf/adult-l2.conf")
  File conf;

  @Option(names = "--set", paramLabel = "KEY=VALUE", converter = SetConverter.class,
      description = "override a config key (repeatable), e.g. --set alpha=0.99")
  List<String> sets = new ArrayList<>();

  @Option(names = "--out", required = true, description = "output directory, a local path or a Hadoop FileSystem URI "
      + "(hdfs://…, s3a://…); refused if it exists and is not empty")
  String out;

  @Option(names = "--overwrite", description = "replace a non-empty --out")
  boolean overwrite;

  RunOptions run() {
    return new RunOptions(conf, sets, out, overwrite);
  }
}
