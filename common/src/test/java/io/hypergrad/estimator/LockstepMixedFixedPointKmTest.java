package io.hypergrad.estimator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.linalg.DenseCholesky;
import io.hypergrad.model.GlmBilevelProblem;
import io.hypergrad.model.GlmLinearSystem;
import io.hypergrad.model.LogisticLoss;
import io.hypergrad.model.NewtonCg;
import io.hypergrad.model.RidgeHyperModel;
import io.hypergrad.model.LabeledRows;
import io.hypergrad.oracle.CounterSampler;
import io.hypergrad.rows.LocalRows;
import io.hypergrad.run.ChainRunner;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** m right-hand sides on one sampler chain against m single Mixed FP-KM chains and against A⁻¹G. */
class LockstepMixedFixedPointKmTest {
  private static final int F = 6;

  private static GlmLinearSystem system() {
    LogisticLoss loss = new LogisticLoss();
    GlmBilevelProblem problem = GlmBilevelProblem.over(loss, new RidgeHyperModel(0.1, 1.0),
        LocalRows.of(rows(200, 3)), LocalRows.of(rows(20, 4)), 0, false, false);
    double[] x = NewtonCg.solve(problem, new double[F], 1e-12, 100).x();
    return problem.linearSystemAt(x);
  }

  /** n logistic rows: F Gaussian features, labels from a noisy linear rule. */
  private static LabeledRows rows(int n, long seed) {
    Random random = new Random(seed);
    org.apache.spark.ml.linalg.Vector[] x = new org.apache.spark.ml.linalg.Vector[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double[] v = new double[F];
      double m = 0;
      for (int j = 0; j < F; j++) {
        v[j] = random.nextGaussian();
        m += v[j] * (j - 2.5) * 0.4;
      }
      x[i] = org.apache.spark.ml.linalg.Vectors.dense(v);
      y[i] = m + random.nextGaussian() > 0 ? 1 : 0;
    }
    return new LabeledRows(x, y, F);
  }

  /** G with column 0 the system's own c (so a single chain's run is comparable) and the others random. */
  private static double[] rightHandSides(GlmLinearSystem system, int m) {
    double[] g = new double[F * m];
    System.arraycopy(system.c(), 0, g, 0, F);
    Random random = new Random(5);
    for (int i = F; i < g.length; i++) {
      g[i] = random.nextGaussian() * 0.1;
    }
    return g;
  }

  private static final EstimatorSpec SPEC = EstimatorSpec.mixedFpKm(0.5, 0.99, new StepSchedule.Linear(20, 50));

  @Test
  void eachColumnIsTheSingleChainOnTheSameRows() {
    GlmLinearSystem system = system();
    CounterSampler sampler = new CounterSampler(7, system.rowCount(), 4);
    double[] single = new ChainRunner(system, new double[system.q()], 1e8).solve(SPEC, sampler, 0, 3000);
    // two right-hand sides: four vectors a product, the per-vector path — bit for bit
    double[] two = LockstepMixedFixedPointKm.solve(system, rightHandSides(system, 2), 2, SPEC, sampler, 0, 3000, 1e8);
    assertArrayEquals(single, Arrays.copyOfRange(two, 0, F), 0.0);
    // six: twelve vectors a product, the blocked (dgemm) path — rounding only
    double[] six = LockstepMixedFixedPointKm.solve(system, rightHandSides(system, 6), 6, SPEC, sampler, 0, 3000, 1e8);
    for (int i = 0; i < F; i++) {
      assertTrue(Math.abs(six[i] - single[i]) <= 1e-12 * Math.abs(single[i]) + 1e-15, i + ": " + six[i] + " " + single[i]);
    }
  }

  @Test
  void theColumnsApproachTheSolutions() {
    GlmLinearSystem system = system();
    int m = 6;
    double[] g = rightHandSides(system, m);
    CounterSampler sampler = new CounterSampler(8, system.rowCount(), 50);
    double[] s = LockstepMixedFixedPointKm.solve(system, g, m, SPEC, sampler, 0, 20000, 1e8);
    DenseCholesky a = DenseCholesky.factor(system.denseA(), F);
    for (int j = 0; j < m; j++) {
      double[] exact = a.solve(Arrays.copyOfRange(g, j * F, (j + 1) * F));
      double num = 0;
      double den = 0;
      for (int i = 0; i < F; i++) {
        num += (s[j * F + i] - exact[i]) * (s[j * F + i] - exact[i]);
        den += exact[i] * exact[i];
      }
      // minibatches of 50 rows, 2·10⁴ steps with a decaying rate: the noise left is small
      System.out.printf("lockstep Mixed FP-KM, query %d: relative error %.2e%n", j, Math.sqrt(num / den));
      assertTrue(Math.sqrt(num / den) < 0.03, "query " + j + ": relative error " + Math.sqrt(num / den));
    }
  }

  @Test
  void aTooLargeScaleIsReported() {
    GlmLinearSystem system = system();
    CounterSampler sampler = new CounterSampler(7, system.rowCount(), 4);
    EstimatorSpec big = EstimatorSpec.mixedFpKm(500, 0.99, new StepSchedule.Constant(1));
    DivergenceException e = org.junit.jupiter.api.Assertions.assertThrows(DivergenceException.class,
        () -> LockstepMixedFixedPointKm.solve(system, rightHandSides(system, 3), 3, big, sampler, 0, 2000, 1e8));
    assertTrue(e.getMessage().contains("lower scale"), e.getMessage());
  }
}
