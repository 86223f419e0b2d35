package io.hypergrad.trajectory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.model.ExpPerFeatureRidgeHyperModel;
import io.hypergrad.model.GlmBilevelProblem;
import io.hypergrad.model.GlmLoss;
import io.hypergrad.model.LabeledRows;
import io.hypergrad.model.LogisticLoss;
import io.hypergrad.model.SoftmaxLoss;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.junit.jupiter.api.Test;

/**
 * FDS's forward-mode hypergradient through an SGD-with-momentum trajectory against two independent
 * computations: central finite differences of f(θ_T) in every window's learning rate, momentum and
 * weight decay, and reverse-mode differentiation of the stored trajectory.
 */
class ForwardModeSgdTest {
  static final long SEED = 7;
  static final int BATCH = 6;

  static LabeledRows rows(int n, int f, GlmLoss loss, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Vector[] x = new Vector[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double[] v = new double[f];
      for (int j = 0; j < f; j++) {
        v[j] = 2 * rng.nextDouble() - 1;
      }
      x[i] = Vectors.dense(v);
      y[i] = loss instanceof SoftmaxLoss s ? rng.nextInt(s.classes()) : rng.nextInt(2);
    }
    return new LabeledRows(x, y, f);
  }

  static GlmBilevelProblem problem(GlmLoss loss, int f) {
    return new GlmBilevelProblem(loss, new ExpPerFeatureRidgeHyperModel(new double[loss.parameterCount(f)]), rows(60, f, loss, 1),
        rows(40, f, loss, 2), 0, false);
  }

  /** Three learning-rate windows, two momentum and two weight-decay windows over 45 steps. */
  static SgdMomentumSchedule schedule() {
    return new SgdMomentumSchedule(new double[] {0.4, 0.25, 0.1}, new double[] {0.5, 0.8}, new double[] {0.02, 0.05}, 45);
  }

  static double relativeError(double[] a, double[] b) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < a.length; i++) {
      num += (a[i] - b[i]) * (a[i] - b[i]);
      den += b[i] * b[i];
    }
    return Math.sqrt(num / den);
  }

  static double[] finiteDifferences(TrajectoryOracle oracle, SgdMomentumSchedule s, double[] x0) {
    double[] h = s.flat();
    double[] fd = new double[h.length];
    for (int j = 0; j < h.length; j++) {
      double eps = 1e-5 * Math.max(1, Math.abs(h[j]));
      double[] plus = h.clone();
      double[] minus = h.clone();
      plus[j] += eps;
      minus[j] -= eps;
      fd[j] = (ForwardModeSgd.run(oracle, s.with(plus), x0, SEED, BATCH).validationLoss()
          - ForwardModeSgd.run(oracle, s.with(minus), x0, SEED, BATCH).validationLoss()) / (2 * eps);
    }
    return fd;
  }

  @Test
  void theForwardModeHypergradientEqualsFiniteDifferencesThroughTheTrajectory() {
    for (GlmLoss loss : new GlmLoss[] {new LogisticLoss(), new SoftmaxLoss(3)}) {
      GlmBilevelProblem problem = problem(loss, 4);
      TrajectoryOracle oracle = TrajectoryOracle.of(problem);
      double[] x0 = new double[problem.p()];
      for (int i = 0; i < x0.length; i++) {
        x0[i] = 0.1 * Math.sin(i + 1);
      }
      ForwardModeSgd.Result forward = ForwardModeSgd.run(oracle, schedule(), x0, SEED, BATCH);
      double[] fd = finiteDifferences(oracle, schedule(), x0);
      // central differences with a 1e-5 step: truncation O(1e-10), rounding O(1e-16/1e-5) on f ≈ 0.7
      double err = relativeError(forward.hypergradient(), fd);
      assertTrue(err <= 1e-6, loss.name() + ": relative error " + err);
      for (double d : forward.hypergradient()) {
        assertTrue(Math.abs(d) > 1e-6, "every window moves f (none is trivially zero): " + d);
      }
    }
  }

  @Test
  void forwardAndReverseModeAgreeToRounding() {
    GlmBilevelProblem problem = problem(new SoftmaxLoss(3), 5);
    TrajectoryOracle oracle = TrajectoryOracle.of(problem);
    double[] x0 = new double[problem.p()];
    SgdMomentumSchedule s = schedule().withHorizon(200);
    ForwardModeSgd.Result forward = ForwardModeSgd.run(oracle, s, x0, SEED, BATCH);
    ForwardModeSgd.Result reverse = ReverseModeSgd.run(oracle, s, x0, SEED, BATCH);
    assertEquals(0.0, relativeError(forward.x(), reverse.x()), "the same trajectory, bit for bit");
    double err = relativeError(forward.hypergradient(), reverse.hypergradient());
    // two summation orders of the same 200-step chain rule (7e-16 measured)
    assertTrue(err <= 1e-13, "relative error " + err);
  }

  @Test
  void aWindowCoversAContiguousShareOfTheHorizon() {
    SgdMomentumSchedule s = SgdMomentumSchedule.constant(0.1, 0.9, 0, new int[] {7, 1, 2}, 100);
    assertEquals(0, s.lrWindow(0));
    assertEquals(0, s.lrWindow(14));
    assertEquals(1, s.lrWindow(15));
    assertEquals(6, s.lrWindow(99));
    assertEquals(0, s.momentumWindow(99));
    assertEquals(1, s.weightDecayWindow(50));
    assertEquals(10, s.size());
  }

  /** The plain trainer hand-written schedules use runs FDS's trajectory: θ_T the same to the bit. */
  @Test
  void plainSgdMomentumIsTheForwardPassOfTheSameSchedule() {
    GlmBilevelProblem problem = problem(new io.hypergrad.model.LogisticLoss(), 5);
    TrajectoryOracle oracle = TrajectoryOracle.of(problem);
    SgdMomentumSchedule constant = SgdMomentumSchedule.constant(0.3, 0.8, 0.01, new int[] {1, 1, 1}, 40);
    double[] x0 = new double[oracle.p()];
    double[] forward = ForwardModeSgd.run(oracle, constant, x0, SEED, BATCH).x();
    double[] plain = SgdMomentum.train(oracle, t -> 0.3, 0.8, 0.01, 40, x0, SEED, BATCH);
    org.junit.jupiter.api.Assertions.assertArrayEquals(forward, plain, 0.0);
  }
}
