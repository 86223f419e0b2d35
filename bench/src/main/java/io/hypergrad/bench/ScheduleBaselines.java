package io.hypergrad.bench;

import io.hypergrad.config.ConfigKeys;
import io.hypergrad.config.JobConfig;
import io.hypergrad.hpo.OuterLoop;
import io.hypergrad.model.GlmBilevelProblem;
import io.hypergrad.output.SummaryJson;
import io.hypergrad.rows.RowSource;
import io.hypergrad.task.GlmData;
import io.hypergrad.task.GlmTask;
import io.hypergrad.trajectory.SgdMomentum;
import io.hypergrad.trajectory.TrajectoryOracle;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

/**
 * The hand-tuned schedules FDS is compared against: SGD with momentum 0.9 over the FDS conf's
 * horizon, batch and seed, from θ₀ = 0, with a constant, a step-decay (×0.1 at 50% and 75% of the
 * horizon) and a cosine learning rate, each grid-searched over the learning rate × weight decay
 * below and judged by validation loss (a diverged point, loss NaN, is never the best). Per schedule it writes a directory shaped like an hpo run's
 * (history.csv: one row per grid point tried, the best so far, with cumulative samples and seconds;
 * summary.json: the best point) for HpoComparison, and prints one markdown row per schedule.
 *   ScheduleBaselines CONF OUT_DIR [KEY=VALUE ...]
 */
public final class ScheduleBaselines {
  static final double[] LEARNING_RATES = {0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0};
  static final double[] WEIGHT_DECAYS = {0, 1e-4, 1e-3};
  static final double MOMENTUM = 0.9;

  private ScheduleBaselines() {}

  public static void main(String[] args) throws IOException {
    JobConfig cfg = JobConfig.load(new File(args[0]), List.of(Arrays.copyOfRange(args, 2, args.length)),
        ConfigKeys.Job.HPO);
    Path out = Path.of(args[1]);
    PrintStream log = System.err;
    GlmData data = GlmData.load(cfg, log, (n, features) -> "driver");
    GlmBilevelProblem problem = GlmTask.problem(cfg, data);
    RowSource test = data.rows("test");
    TrajectoryOracle oracle = TrajectoryOracle.of(problem);
    int horizon = cfg.getPositiveInt("fds.horizon");
    int batch = cfg.getPositiveInt("batch");
    long seed = cfg.getLong("seed");
    System.out.printf(Locale.ROOT, "| schedule | grid points | best lr | best weight decay | best val loss | its test accuracy "
        + "| samples | seconds |%n|---|---|---|---|---|---|---|---|%n");
    for (String schedule : new String[] {"constant", "step-decay", "cosine"}) {
      List<double[]> history = new ArrayList<>();
      double[] best = null;
      double bestLr = Double.NaN;
      double bestDecay = Double.NaN;
      long samples = 0;
      long start = System.nanoTime();
      int k = 0;
      for (double lr : LEARNING_RATES) {
        for (double decay : WEIGHT_DECAYS) {
          double[] x = SgdMomentum.train(oracle, rate(schedule, lr, horizon), MOMENTUM, decay, horizon,
              new double[problem.p()], seed, batch);
          samples += (long) horizon * batch;
          double[] m = metrics(problem, test, x);
          if (best == null || m[2] < best[2] || Double.isNaN(best[2])) {
            best = m;
            bestLr = lr;
            bestDecay = decay;
          }
          k++;
          double[] row = new double[OuterLoop.HISTORY_COLUMNS.length];
          row[0] = k;
          System.arraycopy(best, 0, row, 1, 6);
          row[7] = Double.NaN;
          row[8] = Double.NaN;
          row[9] = Double.NaN;
          row[10] = samples;
          row[11] = (System.nanoTime() - start) / 1e9;
          history.add(row);
        }
      }
      double[] last = history.get(history.size() - 1);
      write(out.resolve(schedule), history, schedule, bestLr, bestDecay, horizon, batch);
      System.out.printf(Locale.ROOT, "| %s | %d | %s | %s | %.4f | %.4f | %.3g | %.1f |%n", schedule, k, bestLr, bestDecay,
          best[2], best[5], last[10], last[11]);
    }
  }

  /** The learning rate at step t. */
  static IntToDoubleFunction rate(String schedule, double lr, int horizon) {
    return switch (schedule) {
      case "constant" -> t -> lr;
      case "step-decay" -> t -> lr * (t < horizon / 2 ? 1 : t < 3 * horizon / 4 ? 0.1 : 0.01);
      case "cosine" -> t -> lr * 0.5 * (1 + Math.cos(Math.PI * t / horizon));
      default -> throw new IllegalArgumentException(schedule);
    };
  }

  /** {train loss, train accuracy, val loss, val accuracy, test loss, test accuracy}. */
  static double[] metrics(GlmBilevelProblem problem, RowSource test, double[] x) {
    double[] tr = problem.trainLossAndCorrect(x);
    double[] va = problem.validationLossAndCorrect(x);
    double[] te = test.lossAndCorrect(problem.loss(), x);
    int nt = problem.train().size();
    int nv = problem.validation().size();
    int ne = test.size();
    return new double[] {tr[0] / nt, tr[1] / nt, va[0] / nv, va[1] / nv, te[0] / ne, te[1] / ne};
  }

  private static void write(Path dir, List<double[]> history, String schedule, double lr, double decay, int horizon,
      int batch) throws IOException {
    Files.createDirectories(dir);
    OuterLoop.writeHistory(dir.resolve("history.csv"), history);
    double[] last = history.get(history.size() - 1);
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("job", "schedule-grid");
    s.put("schedule", schedule);
    s.put("momentum", MOMENTUM);
    s.put("horizon", horizon);
    s.put("batch", batch);
    s.put("learning_rates", LEARNING_RATES);
    s.put("weight_decays", WEIGHT_DECAYS);
    s.put("best_lr", lr);
    s.put("best_weight_decay", decay);
    s.put("val_loss", last[3]);
    s.put("test_accuracy", last[6]);
    s.put("samples", (long) last[10]);
    s.put("seconds", last[11]);
    SummaryJson.mapper().writeValue(dir.resolve("summary.json").toFile(), s);
  }
}
