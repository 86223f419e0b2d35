package io.hypergrad.cli;

import io.hypergrad.jobs.RunOptions;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** One job on the command line: the options every job takes, and the job's driver. */
@Command(mixinStandardHelpOptions = true)
final class JobCommand implements Callable<Integer> {

  /** A job's driver. */
  interface Driver {
    void run(RunOptions options) throws IOException;
  }

  @Mixin
  JobOptions options;

  private final Driver driver;

  JobCommand(Driver driver) {
    this.driver = driver;
  }

  @Override
  public Integer call() throws IOException {
    driver.run(options.run());
    return 0;
  }
}
