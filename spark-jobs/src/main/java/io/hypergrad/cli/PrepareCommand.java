package io.hypergrad.cli;

import io.hypergrad.jobs.PrepareJob;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "prepare", mixinStandardHelpOptions = true,
    description = "Read a raw dataset (adult, california, idx, libsvm, csv), split, scale and write Parquet per split "
        + "plus metadata.json.")
final class PrepareCommand implements Callable<Integer> {
  @Mixin
  JobOptions options;

  @Override
  public Integer call() throws Exception {
    PrepareJob.run(new PrepareJob.Options(options.conf, options.sets, options.out, options.overwrite), System.out);
    return 0;
  }
}
