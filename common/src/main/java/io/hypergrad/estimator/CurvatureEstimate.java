package io.hypergrad.estimator;

import io.hypergrad.linalg.Blas;
import io.hypergrad.oracle.CounterSampler;
import io.hypergrad.oracle.StochasticLinearSystem;
import java.util.SplittableRandom;

/**
 * Power-iteration estimates of the largest eigenvalue of the full-batch A and of sampled A_t. The
 * fixed-point iterations contract (in expectation) only while scale·λ_max &lt; 2.
 *
 * @param fullBatch largest eigenvalue of A
 * @param sampled   largest eigenvalue seen over a few sampled A_t of the configured batch size
 */
public record CurvatureEstimate(double fullBatch, double sampled) {
  private static final int POWER_STEPS = 200;
  private static final int SAMPLES = 16;

  /**
   * The estimates for a chain that drew its minibatches from {@code sampler}: the sampled A_t are
   * that chain's own first minibatches (iterations 0 … min(16, t + 1) − 1), so a system that holds
   * only the rows its chains draw (gathered for a chain task) has every row the estimate needs.
   */
  public static CurvatureEstimate of(StochasticLinearSystem system, CounterSampler sampler, int chain, long t) {
    double full = powerIteration(system, null);
    int[] rows = sampler.newRowBuffer();
    double sampledMax = 0;
    for (int i = 0; i < Math.min(SAMPLES, t + 1); i++) {
      sampler.rows(chain, i, rows);
      sampledMax = Math.max(sampledMax, powerIteration(system, rows.clone()));
    }
    return new CurvatureEstimate(full, sampledMax);
  }

  /** The largest safe scale: 2 / max(λ_max(A), λ_max(A_t)). */
  public double largestSafeScale() {
    return 2.0 / Math.max(fullBatch, sampled);
  }

  private static double powerIteration(StochasticLinearSystem system, int[] rows) {
    int p = system.p();
    SplittableRandom rng = new SplittableRandom(17);
    double[] v = new double[p];
    for (int j = 0; j < p; j++) {
      v[j] = rng.nextGaussian();
    }
    double[] av = new double[p];
    double lambda = 0;
    for (int it = 0; it < POWER_STEPS; it++) {
      double norm = Blas.norm(v);
      if (norm == 0) {
        return 0;
      }
      for (int j = 0; j < p; j++) {
        v[j] /= norm;
      }
      if (rows == null) {
        system.applyA(v, av);
      } else {
        system.applySampledA(rows, v, 1, av);
      }
      lambda = Blas.dot(v, av);
      double[] tmp = v;
      v = av;
      av = tmp;
    }
    return lambda;
  }
}
