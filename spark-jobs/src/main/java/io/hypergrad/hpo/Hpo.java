package io.hypergrad.hpo;

import io.hypergrad.config.JobConfig;
import io.hypergrad.output.OutputDirectory;
import io.hypergrad.output.RunLock;
import io.hypergrad.task.GlmData;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/** One {@code hpo} run: checkpoint, problem, method, the outer loop, the baseline and the results. */
public final class Hpo {
  private Hpo() {}

  /**
   * The job: --out (and a checkpoint_dir elsewhere) locked for the run; with --overwrite the old
   * results and checkpoint replaced only once the new run has finished.
   */
  public static void run(JobConfig cfg, String task, String out, boolean overwrite, Configuration hadoop, long start,
      int failAfterStep, PrintStream log) throws IOException {
    HpoSettings s = HpoSettings.of(cfg);
    // a local --out stays local (file:) whatever the cluster's default file system
    String qualified = OutputDirectory.isUri(out) ? out : Path.of(out).toAbsolutePath().normalize().toUri().toString();
    String inOut = new org.apache.hadoop.fs.Path(qualified, "checkpoint").toString();
    String checkpointDir = cfg.getString("checkpoint_dir", inOut);
    try (RunLock outLock = RunLock.on(qualified, "--out " + out, hadoop);
        RunLock checkpointLock = cfg.has("checkpoint_dir") ? RunLock.on(checkpointDir, "checkpoint_dir " + checkpointDir,
            hadoop) : null) {
      HpoCheckpoint main = new HpoCheckpoint(checkpointDir, HpoCheckpoint.fingerprint(cfg), hadoop);
      HpoCheckpoint checkpoint = HpoCheckpoint.prepareOut(qualified, out, hadoop, main, overwrite);
      HpoCheckpoint.State resumed = checkpoint.latest();
      HpoProblem.Built built = HpoProblem.build(cfg, log);
      HpoProblem problem = built.problem();
      try {
        OuterMethod method = method(cfg, s, problem);
        OuterLoop.Result result = OuterLoop.run(method, problem, checkpoint, resumed, s, failAfterStep, log);
        Map<String, Object> baseline = s.spec() != null && cfg.getBoolean("baseline.enabled")
            ? TrainValidationSplitBaseline.run(cfg, built.data(), log) : null;
        String methodName = s.spec() != null && !s.population() ? s.spec().method().canonicalName() : s.method();
        Map<String, Object> methodSummary = new java.util.LinkedHashMap<>(method.summary(result.steps()));
        methodSummary.put("data", built.data().summary());
        HpoResults.write(out, hadoop, new HpoResults.Run(task, methodName, cfg.getString("problem.model"),
            s.method().equals(FdsScheduleTuning.METHOD) ? FdsScheduleTuning.LAMBDA_NAME
                : cfg.getString("problem.hyper_model"), s, problem.p(), problem.q(), problem.plan(), methodSummary,
            baseline, (System.nanoTime() - start) / 1e9, method.tables()), result, overwrite || checkpoint != main ? java.util.Set.of("checkpoint",
                "checkpoint.replacement") : null, log);
        if (checkpoint != main) {
          main.replaceWith(checkpoint);
        }
      } finally {
        problem.release();
      }
    }
  }

  private static OuterMethod method(JobConfig cfg, HpoSettings s, HpoProblem problem) {
    if (s.population()) {
      return new PopulationTuning(cfg, s, problem);
    }
    if (s.spec() != null) {
      return new HypergradientDescent(s, problem);
    }
    return s.method().equals(FdsScheduleTuning.METHOD) ? new FdsScheduleTuning(cfg, s, problem)
        : new JointWindow(cfg, s, problem);
  }

  /**
   * What a tuning run ends with: λ, the inner model x at λ, the history rows ({@link
   * OuterLoop#HISTORY_COLUMNS}) and the outer steps taken.
   */
  public record Tuned(double[] lambda, double[] x, List<double[]> history, int steps, String label) {}

  /**
   * The {@code hpo} loop over data already loaded — the {@code HypergradientTuner} stage's fit: the same
   * settings, problem, method and outer loop as the job, checkpointed to {@code checkpointDir} (any
   * Hadoop FileSystem URI) after every step and resumed from there when a checkpoint of the same
   * settings is found.
   */
  public static Tuned tune(JobConfig cfg, GlmData data, String checkpointDir, Configuration hadoop, PrintStream log)
      throws IOException {
    HpoSettings s = HpoSettings.of(cfg);
    HpoCheckpoint checkpoint = new HpoCheckpoint(checkpointDir, HpoCheckpoint.fingerprint(cfg), hadoop);
    try (RunLock lock = RunLock.on(checkpointDir, "checkpointDir " + checkpointDir, hadoop)) {
      HpoProblem problem = HpoProblem.over(cfg, data, log);
      try {
        OuterLoop.Result result = OuterLoop.run(method(cfg, s, problem), problem, checkpoint, checkpoint.latest(), s, -1,
            log);
        return new Tuned(result.lambda(), result.x(), result.history(), result.steps(), s.label());
      } finally {
        problem.release();
      }
    }
  }
}
