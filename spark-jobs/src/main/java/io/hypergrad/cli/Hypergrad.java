package io.hypergrad.cli;

import io.hypergrad.config.InvalidConfigException;
import io.hypergrad.estimator.DivergenceException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/hypergrad <job> --conf conf/X.conf [--set key=value]... --out DIR}. */
@Command(name = "hypergrad", mixinStandardHelpOptions = true, version = "hypergrad-spark 0.1.0",
    description = "Stochastic hypergradient estimation (Mixed FP-KM and classic estimators).",
    subcommands = {EstimateCommand.class, PrepareCommand.class, SweepCommand.class, InfluenceCommand.class,
        HpoCommand.class})
public final class Hypergrad implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** netlib logs a warning for every native library it does not find; a clean machine has none. */
  private static final java.util.logging.Logger NETLIB_LOG = java.util.logging.Logger.getLogger("dev.ludovic.netlib");

  public static void main(String[] args) {
    NETLIB_LOG.setLevel(java.util.logging.Level.SEVERE);
    System.exit(execute(args));
  }

  /** Runs the command line and returns the exit code: 0 ok, 1 bad input or failed run, 2 bad usage. */
  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new Hypergrad());
    cl.setExecutionExceptionHandler(Hypergrad::handle);
    return cl.execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a job: prepare, estimate, sweep, influence or hpo");
  }

  private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    PrintWriter err = cl.getErr();
    if (e instanceof InvalidConfigException || e instanceof DivergenceException || e instanceof IllegalArgumentException
        || e instanceof IOException || e instanceof UncheckedIOException) {
      err.println("hypergrad: error: " + e.getMessage());
    } else {
      err.println("hypergrad: internal error: " + e);
      e.printStackTrace(err);
    }
    err.flush();
    return 1;
  }
}
