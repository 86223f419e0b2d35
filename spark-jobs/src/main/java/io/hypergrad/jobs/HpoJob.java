package io.hypergrad.jobs;

import io.hypergrad.config.ConfigKeys;
import io.hypergrad.config.InvalidConfigException;
import io.hypergrad.config.JobConfig;
import io.hypergrad.hpo.Hpo;
import io.hypergrad.spark.SparkSessions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code hpo}: gradient-based hyperparameter optimisation. Wires the config to the problem, the
 * method (hypergradient descent by any estimator, or a joint single-loop method) and the one outer
 * loop, which checkpoints after every step; the same command run again resumes from the newest
 * checkpoint, bit for bit.
 */
public final class HpoJob {
  private HpoJob() {}

  public static String run(RunOptions options, PrintStream log) throws IOException {
    return run(options, log, -1);
  }

  /** As {@link #run(RunOptions, PrintStream)}; {@code failAfterStep} ≥ 0 simulates a crash after that step's checkpoint (tests). */
  static String run(RunOptions options, PrintStream log, int failAfterStep) throws IOException {
    long start = System.nanoTime();
    JobConfig cfg = JobConfig.load(options.conf(), options.sets(), ConfigKeys.Job.HPO);
    if (!cfg.getString("task", "glm").equals("glm")) {
      throw new InvalidConfigException(cfg.where("task") + ": hpo runs on task = glm only");
    }
    // a local path absolute (the checkpoint and lock sit beside it by name), a URI as given
    String out = io.hypergrad.output.OutputDirectory.isUri(options.out()) ? options.out()
        : Path.of(options.out()).toAbsolutePath().normalize().toString();
    Hpo.run(cfg, EstimateJob.taskName(cfg, options.conf()), out, options.overwrite(),
        SparkSessions.get().sparkContext().hadoopConfiguration(), start, failAfterStep, log);
    log.printf(java.util.Locale.ROOT, "wrote %s (%.1f s)%n", out, (System.nanoTime() - start) / 1e9);
    return out;
  }
}
