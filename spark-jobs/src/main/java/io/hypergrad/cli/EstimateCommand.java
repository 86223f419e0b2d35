package io.hypergrad.cli;

import io.hypergrad.jobs.EstimateJob;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "estimate", mixinStandardHelpOptions = true,
    description = "Run estimators × seeds against the exact (or cg) hypergradient; write summary.json, errors.csv, "
        + "errors.png and hypergradient.json.")
final class EstimateCommand implements Callable<Integer> {
  @Option(names = "--conf", required = true, description = "HOCON config, e.g. conf/synthetic.conf")
  File conf;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a config key (repeatable), e.g. --set alpha=0.99")
  List<String> sets = new ArrayList<>();

  @Option(names = "--out", required = true, description = "output directory (refused if it exists and is not empty)")
  Path out;

  @Option(names = "--overwrite", description = "replace a non-empty --out")
  boolean overwrite;

  @Override
  public Integer call() throws Exception {
    EstimateJob.run(new EstimateJob.Options(conf, sets, out, overwrite), System.out);
    return 0;
  }
}
