package io.hypergrad.cli;

import io.hypergrad.jobs.EstimateJob;
import io.hypergrad.jobs.HpoJob;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "hpo", mixinStandardHelpOptions = true,
    description = "Optimise the hyperparameters λ by hypergradient descent (outer SGD/Adam, warm-started inner "
        + "training, a checkpoint after every outer step; the same command resumes); write history.csv, summary.json, "
        + "loss.png, accuracy.png, lambda.json and model.json.")
final class HpoCommand implements Callable<Integer> {
  @Mixin
  JobOptions options;

  @Override
  public Integer call() throws Exception {
    HpoJob.run(new EstimateJob.Options(options.conf, options.sets, options.out, options.overwrite), System.out);
    return 0;
  }
}
