package io.hypergrad.bench;

import io.hypergrad.linalg.Blas;
import io.hypergrad.model.ExpPerFeatureRidgeHyperModel;
import io.hypergrad.model.GlmBilevelProblem;
import io.hypergrad.model.LabeledRows;
import io.hypergrad.model.SoftmaxLoss;
import io.hypergrad.trajectory.ForwardModeSgd;
import io.hypergrad.trajectory.ReverseModeSgd;
import io.hypergrad.trajectory.SgdMomentumSchedule;
import io.hypergrad.trajectory.TrajectoryOracle;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;

/**
 * One FDS hypergradient through a T-step SGD-with-momentum training of a softmax model the size of
 * Fashion-MNIST's (784 features × 10 classes, p = 7840) on generated rows, by forward mode (tangents
 * carried, O(p·H) memory) or reverse mode (trajectory stored, O(p·T)), in this JVM; prints the mode, T,
 * the seconds and the hypergradient's norm. bench/run-trajectory-memory.sh runs one JVM per row and
 * reads its peak memory.
 *   TrajectoryMemory forward|reverse T [ROWS]
 */
public final class TrajectoryMemory {
  private TrajectoryMemory() {}

  public static void main(String[] args) {
    String mode = args[0];
    int steps = Integer.parseInt(args[1]);
    int n = args.length > 2 ? Integer.parseInt(args[2]) : 4000;
    int features = 784;
    SoftmaxLoss loss = new SoftmaxLoss(10);
    GlmBilevelProblem problem = new GlmBilevelProblem(loss,
        new ExpPerFeatureRidgeHyperModel(new double[loss.parameterCount(features)]), rows(n, features, 1),
        rows(1000, features, 2), 0, false);
    // the FDS code's defaults: 7 learning-rate windows, one momentum, one weight decay
    SgdMomentumSchedule schedule = SgdMomentumSchedule.constant(0.05, 0.9, 1e-4, new int[] {7, 1, 1}, steps);
    long start = System.nanoTime();
    TrajectoryOracle oracle = TrajectoryOracle.of(problem);
    ForwardModeSgd.Result r = mode.equals("forward")
        ? ForwardModeSgd.run(oracle, schedule, new double[problem.p()], 1, 64)
        : ReverseModeSgd.run(oracle, schedule, new double[problem.p()], 1, 64);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "%s %d %.2f %.6e %.6f%n", mode, steps, seconds, Blas.norm(r.hypergradient()),
        r.validationLoss());
  }

  /** n rows of a 10-class problem: features N(0, 1), the label the argmax of a fixed linear map plus noise. */
  static LabeledRows rows(int n, int f, long seed) {
    SplittableRandom w = new SplittableRandom(99);
    double[] map = new double[f * 10];
    for (int i = 0; i < map.length; i++) {
      map[i] = w.nextDouble() - 0.5;
    }
    SplittableRandom rng = new SplittableRandom(seed);
    Vector[] x = new Vector[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double[] a = new double[f];
      for (int j = 0; j < f; j++) {
        a[j] = rng.nextDouble() * 2 - 1;
      }
      int best = 0;
      double top = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < 10; c++) {
        double s = rng.nextDouble();
        for (int j = 0; j < f; j++) {
          s += map[c * f + j] * a[j];
        }
        if (s > top) {
          top = s;
          best = c;
        }
      }
      x[i] = Vectors.dense(a);
      y[i] = best;
    }
    return new LabeledRows(x, y, f);
  }
}
