package io.hypergrad.cli;

import io.hypergrad.jobs.EstimateJob;
import io.hypergrad.jobs.InfluenceJob;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "influence", mixinStandardHelpOptions = true,
    description = "Score every training row's influence on the validation loss (one solve, then one distributed "
        + "pass); write scores/ (Parquet), summary.json, top.csv and histogram.png.")
final class InfluenceCommand implements Callable<Integer> {
  @Mixin
  JobOptions options;

  @Override
  public Integer call() throws Exception {
    InfluenceJob.run(new EstimateJob.Options(options.conf, options.sets, options.out, options.overwrite), System.out);
    return 0;
  }
}
