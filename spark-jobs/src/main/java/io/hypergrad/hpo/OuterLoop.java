package io.hypergrad.hpo;

import io.hypergrad.linalg.Blas;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code hpo} outer loop, written once for every method: start or resume, then steps until
 * {@code outer.steps} rows or the time budget, each step evaluated on every split, appended to the
 * history and checkpointed before the next begins.
 */
public final class OuterLoop {
  /** The columns of history.csv. */
  public static final String[] HISTORY_COLUMNS = {"step", "train_loss", "train_accuracy", "val_loss", "val_accuracy",
      "test_loss", "test_accuracy", "hypergradient_norm", "lambda_norm", "inner_grad_norm", "samples", "seconds"};

  private OuterLoop() {}

  /** Where the loop ended. */
  record Result(List<double[]> history, double[] lambda, double[] x, int steps) {}

  /**
   * Runs {@code method} from {@code resumed} (or from the start when null); {@code failAfterStep} ≥ 0
   * simulates a crash after that step's checkpoint (tests).
   */
  static Result run(OuterMethod method, HpoProblem problem, HpoCheckpoint checkpoint, HpoCheckpoint.State resumed,
      HpoSettings s, int failAfterStep, PrintStream log) throws IOException {
    try {
      return steps(method, problem, checkpoint, resumed, s, failAfterStep, log);
    } finally {
      method.release();
    }
  }

  private static Result steps(OuterMethod method, HpoProblem problem, HpoCheckpoint checkpoint,
      HpoCheckpoint.State resumed, HpoSettings s, int failAfterStep, PrintStream log) throws IOException {
    List<double[]> history;
    long samples;
    double secondsBefore;
    int step;
    if (resumed != null) {
      method.restore(resumed, checkpoint.location());
      history = new ArrayList<>(resumed.history());
      samples = resumed.samples();
      secondsBefore = resumed.seconds();
      step = resumed.step();
      log.printf(Locale.ROOT, "hpo: resuming from the checkpoint of %s %d in %s (%s)%n", method.stepName(), step,
          checkpoint.location(), s.label());
    } else {
      OuterMethod.Progress first = method.start();
      history = new ArrayList<>();
      samples = first.samples();
      secondsBefore = first.seconds();
      step = 0;
      history.add(row(0, problem.evaluate(method.x()), first, Blas.norm(method.lambda()), samples, secondsBefore));
      checkpoint.write(method.state(0, samples, secondsBefore, history));
      print(log, history.get(0), s.outerSteps());
    }
    long runStart = System.nanoTime();
    while (step < s.outerSteps()) {
      if (s.timeBudget() > 0 && secondsBefore + (System.nanoTime() - runStart) / 1e9 >= s.timeBudget()) {
        log.printf(Locale.ROOT, "hpo: time budget of %.0f s reached after %s %d%n", s.timeBudget(), method.stepName(), step);
        break;
      }
      int k = step + 1;
      OuterMethod.Progress p = method.step(k);
      samples += p.samples();
      double elapsed = secondsBefore + (System.nanoTime() - runStart) / 1e9;
      history.add(row(k, problem.evaluate(method.x()), p, Blas.norm(method.lambda()), samples, elapsed));
      checkpoint.write(method.state(k, samples, elapsed, history));
      step = k;
      print(log, history.get(history.size() - 1), s.outerSteps());
      if (k == failAfterStep) {
        throw new IllegalStateException("injected failure after outer step " + k);
      }
    }
    return new Result(history, method.lambda(), method.x(), step);
  }

  /** history.csv: the columns, then one row per step (step and samples as integers, NaN left empty). */
  public static void writeHistory(Path file, List<double[]> history) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(String.join(",", HISTORY_COLUMNS) + "\n");
      for (double[] r : history) {
        StringBuilder b = new StringBuilder();
        for (int j = 0; j < r.length; j++) {
          b.append(j > 0 ? "," : "");
          b.append(j == 0 || j == 10 ? String.valueOf((long) r[j]) : Double.isNaN(r[j]) ? "" : String.valueOf(r[j]));
        }
        w.write(b + "\n");
      }
    }
  }

  private static double[] row(int step, double[] metrics, OuterMethod.Progress p, double lambdaNorm, long samples,
      double seconds) {
    double[] r = new double[HISTORY_COLUMNS.length];
    r[0] = step;
    System.arraycopy(metrics, 0, r, 1, 6);
    r[7] = p.hypergradientNorm();
    r[8] = lambdaNorm;
    r[9] = p.innerGradNorm();
    r[10] = samples;
    r[11] = seconds;
    return r;
  }

  private static void print(PrintStream log, double[] r, int steps) {
    log.printf(Locale.ROOT, "outer %3d/%d  train %.4f/%.4f  val %.4f/%.4f  test %.4f/%.4f  ‖v‖ %.3e  ‖λ‖ %.4f  %.1f s%n",
        (int) r[0], steps, r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[11]);
  }

  static boolean allFinite(double[] v) {
    for (double d : v) {
      if (!Double.isFinite(d)) {
        return false;
      }
    }
    return true;
  }
}
