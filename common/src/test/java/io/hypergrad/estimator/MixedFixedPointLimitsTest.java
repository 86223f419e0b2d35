package io.hypergrad.estimator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.hypergrad.oracle.CounterSampler;
import io.hypergrad.synthetic.SyntheticQuadraticProblem;
import org.junit.jupiter.api.Test;

/** α = 0 and α = 1 are the paper's two pure methods, to the last bit. */
class MixedFixedPointLimitsTest {
  private final SyntheticQuadraticProblem sys = SyntheticQuadraticProblem.generate(15, 40, 0.01, 9);
  private final CounterSampler sampler = new CounterSampler(5, sys.rowCount(), 2);

  @Test
  void alphaZeroIsStocFpStartedAtC() {
    StochasticEstimator mixed = new MixedFixedPoint(sys, 0.7, 0.0);
    // z_{t+1} = w_t, and w_t is StocFP from w₀ = c after t steps on the same samples
    StochasticEstimator stocFp = new NeumannSeries(sys, 0.7, sys.c());
    int[] rows = sampler.newRowBuffer();
    double[] x1 = new double[sys.p()];
    double[] x2 = new double[sys.p()];
    sampler.rows(0, 0, rows);
    mixed.step(0, rows);
    for (int t = 1; t < 300; t++) {
      stocFp.adjoint(x2);
      mixed.adjoint(x1);
      assertArrayEquals(x2, x1, 0.0, "iteration " + t);
      sampler.rows(0, t - 1, rows);
      stocFp.step(t - 1, rows);
      sampler.rows(0, t, rows);
      mixed.step(t, rows);
    }
  }

  @Test
  void alphaOneIsStocRb() {
    StochasticEstimator mixed = new MixedFixedPoint(sys, 0.7, 1.0);
    StochasticEstimator unroll = new UnrolledRecursion(sys, 0.7);
    int[] rows = sampler.newRowBuffer();
    double[] x1 = new double[sys.p()];
    double[] x2 = new double[sys.p()];
    for (int t = 0; t < 300; t++) {
      sampler.rows(3, t, rows);
      mixed.step(t, rows);
      unroll.step(t, rows);
      mixed.adjoint(x1);
      unroll.adjoint(x2);
      assertArrayEquals(x2, x1, 0.0, "iteration " + t);
    }
  }
}
