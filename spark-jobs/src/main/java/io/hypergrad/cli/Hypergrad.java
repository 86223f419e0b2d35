package io.hypergrad.cli;

import io.hypergrad.config.InvalidConfigException;
import io.hypergrad.estimator.DivergenceException;
import io.hypergrad.jobs.EstimateJob;
import io.hypergrad.jobs.HpoJob;
import io.hypergrad.jobs.InfluenceJob;
import io.hypergrad.jobs.PrepareJob;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/hypergrad <job> --conf conf/X.conf [--set key=value]... --out DIR}. */
@Command(name = "hypergrad", mixinStandardHelpOptions = true, version = "hypergrad-spark 0.1.0",
    description = "Stochastic hypergradient estimation (Mixed FP-KM and classic estimators).")
public final class Hypergrad implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** netlib logs a warning for every native library it does not find; a clean machine has none. */
  private static final java.util.logging.Logger NETLIB_LOG = java.util.logging.Logger.getLogger("dev.ludovic.netlib");

  public static void main(String[] args) {
    NETLIB_LOG.setLevel(java.util.logging.Level.SEVERE);
    int code = execute(args);
    if (inYarnApplicationMaster()) {
      // YARN cluster mode runs main in the ApplicationMaster: System.exit there is reported as a failure
      // (and the attempt retried), so a success returns and a failure throws, for the AM to report
      if (code != 0) {
        throw new IllegalStateException("hypergrad " + String.join(" ", args) + " failed with exit code " + code
            + " (the message is above in the driver's log)");
      }
      return;
    }
    System.exit(code);
  }

  /** Whether this driver runs inside a YARN ApplicationMaster (deploy mode cluster; it sets the conf as system properties). */
  static boolean inYarnApplicationMaster() {
    return "cluster".equals(System.getProperty("spark.submit.deployMode"))
        && System.getProperty("spark.master", "").startsWith("yarn");
  }

  /** Runs the command line and returns the exit code: 0 ok, 1 bad input or failed run, 2 bad usage. */
  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new Hypergrad());
    add(cl, "prepare", "Read a raw dataset (adult, california, idx, libsvm, csv), split, scale and write Parquet per split "
        + "plus metadata.json.", o -> PrepareJob.run(o, System.out));
    add(cl, "estimate", "Run estimators × seeds against the exact (or cg) hypergradient; write summary.json, errors.csv, "
        + "errors.png and hypergradient.json.", o -> EstimateJob.run(o, System.out));
    add(cl, "sweep", "Run a grid of estimator configurations × seeds and pick the best of each family (lowest last-10% "
        + "error); write summary.json, errors.csv, best.csv, report.md, errors.png and errors-hvp.png.",
        o -> EstimateJob.run(o, System.out, true));
    add(cl, "influence", "Score every training row's influence on the validation loss (one solve, then one distributed "
        + "pass); write scores/ (Parquet), summary.json, top.csv and histogram.png.", o -> InfluenceJob.run(o, System.out));
    add(cl, "hpo", "Optimise the hyperparameters λ by hypergradient descent (outer SGD/Adam, warm-started inner "
        + "training, a checkpoint after every outer step; the same command resumes); write history.csv, summary.json, "
        + "loss.png, accuracy.png, lambda.json and model.json.", o -> HpoJob.run(o, System.out));
    // after the subcommands: the handler reaches the commands present when it is set
    cl.setExecutionExceptionHandler(Hypergrad::handle);
    return cl.execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a job: prepare, estimate, sweep, influence or hpo");
  }

  private static void add(CommandLine cl, String name, String description, JobCommand.Driver driver) {
    CommandLine job = new CommandLine(new JobCommand(driver));
    job.getCommandSpec().usageMessage().description(description);
    cl.addSubcommand(name, job);
  }

  private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    PrintWriter err = cl.getErr();
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (e instanceof InvalidConfigException || e instanceof DivergenceException || e instanceof IllegalArgumentException
        || e instanceof IOException || e instanceof UncheckedIOException) {
      err.println("hypergrad: error: " + e.getMessage());
    } else if (e instanceof org.apache.spark.SparkException && (root instanceof IOException
        || root instanceof IllegalArgumentException || String.valueOf(root.getMessage()).contains("Parquet"))) {
      // a task that could not read its input (a damaged file, a bad row): what the task met, not Spark's wrapping
      err.println("hypergrad: error: cannot read the data: " + String.valueOf(root.getMessage()).lines().findFirst()
          .orElse(root.toString()));
    } else {
      err.println("hypergrad: internal error: " + e);
      e.printStackTrace(err);
    }
    err.flush();
    return 1;
  }
}
