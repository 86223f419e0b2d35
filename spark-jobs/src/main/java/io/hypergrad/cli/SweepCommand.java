package io.hypergrad.cli;

import io.hypergrad.jobs.EstimateJob;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "sweep", mixinStandardHelpOptions = true,
    description = "Run a grid of estimator configurations × seeds and pick the best of each family (lowest last-10% "
        + "error); write summary.json, errors.csv, best.csv, report.md, errors.png and errors-hvp.png.")
final class SweepCommand implements Callable<Integer> {
  @Mixin
  JobOptions options;

  @Override
  public Integer call() throws Exception {
    EstimateJob.run(new EstimateJob.Options(options.conf, options.sets, options.out, options.overwrite), System.out, true);
    return 0;
  }
}
