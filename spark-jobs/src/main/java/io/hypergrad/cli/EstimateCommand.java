package io.hypergrad.cli;

import io.hypergrad.jobs.EstimateJob;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "estimate", mixinStandardHelpOptions = true,
    description = "Run estimators × seeds against the exact (or cg) hypergradient; write summary.json, errors.csv, "
        + "errors.png and hypergradient.json.")
final class EstimateCommand implements Callable<Integer> {
  @Mixin
  JobOptions options;

  @Override
  public Integer call() throws Exception {
    EstimateJob.run(new EstimateJob.Options(options.conf, options.sets, options.out, options.overwrite), System.out);
    return 0;
  }
}
