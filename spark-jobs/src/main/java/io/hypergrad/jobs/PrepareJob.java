package io.hypergrad.jobs;

import io.hypergrad.config.ConfigKeys;
import io.hypergrad.config.DataConfig;
import io.hypergrad.config.JobConfig;
import io.hypergrad.output.OutputDirectory;
import io.hypergrad.prep.DataPreparation;
import io.hypergrad.prep.PreparedSplit;
import io.hypergrad.prep.table.IngestedTable;
import io.hypergrad.spark.PreparedData;
import io.hypergrad.spark.SparkSessions;
import io.hypergrad.task.GlmData;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code prepare}: raw dataset files (read here) or a table (read, split and scaled on the
 * executors) → Parquet per split + metadata.json (DESIGN §4). The output appears only when whole.
 */
public final class PrepareJob {
  private PrepareJob() {}

  public static String run(RunOptions options, PrintStream log) throws IOException {
    long start = System.nanoTime();
    JobConfig cfg = JobConfig.load(options.conf(), options.sets(), ConfigKeys.Job.PREPARE);
    try (OutputDirectory out = OutputDirectory.prepare(options.out(), options.overwrite(), SparkSessions::hadoopConfiguration)) {
      DataConfig.checkOneSource(cfg);
      if (DataConfig.isTable(cfg)) {
        // read, split, scaled and written on the executors; a bad row stops it (file, row, field) or is counted
        IngestedTable table = GlmData.ingest(cfg);
        log.printf(Locale.ROOT, "read %s rows from %s, %d features, %s, dropped %s, %s split into %s (%.1f s)%n",
            table.metadata().get("rows_read"), table.metadata().get("source"), table.featureCount(),
            table.classes() > 0 ? table.classes() + " classes" : "continuous label", table.metadata().get("dropped"),
            table.metadata().get("split_method"), table.metadata().get("counts"), (System.nanoTime() - start) / 1e9);
        PreparedData.write(SparkSessions.get(), table, out);
        table.release();
        out.commit();
        log.printf(Locale.ROOT, "wrote %s (%.1f s)%n", out.location(), (System.nanoTime() - start) / 1e9);
        return out.location();
      }
      // a malformed row fails here (DataFormatException: file, line, field), before anything is written
      DataPreparation.Result data = DataPreparation.run(DataConfig.spec(cfg));
      for (PreparedSplit s : data.splits()) {
        log.printf(Locale.ROOT, "%s: %d rows%n", s.name(), s.size());
      }
      log.printf(Locale.ROOT, "read %s rows, %d features, %s, dropped %s (%.1f s)%n", data.metadata().get("rows_read"),
          data.featureCount(), data.classes() > 0 ? data.classes() + " classes" : "continuous label",
          data.metadata().get("dropped"), (System.nanoTime() - start) / 1e9);
      PreparedData.write(SparkSessions.get(), data, out);
      out.commit();
      log.printf(Locale.ROOT, "wrote %s (%.1f s)%n", out.location(), (System.nanoTime() - start) / 1e9);
      return out.location();
    }
  }
}
