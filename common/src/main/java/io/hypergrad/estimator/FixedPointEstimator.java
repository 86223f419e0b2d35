package io.hypergrad.estimator;

import io.hypergrad.oracle.StochasticLinearSystem;

/**
 * Shared plumbing of the stochastic fixed-point estimators, which iterate on w = x/s for the map
 * w ↦ (I − s·A_t)·w + c whose fixed point is (s·A)⁻¹c.
 */
abstract class FixedPointEstimator implements StochasticEstimator {
  protected final StochasticLinearSystem system;
  protected final int p;
  protected final double[] c;
  protected final double scale;

  FixedPointEstimator(StochasticLinearSystem system, double scale) {
    this.system = system;
    this.p = system.p();
    this.c = system.c();
    this.scale = scale;
  }

  /** out ← s·iterate: the fixed-point iterate approximates (sA)⁻¹c, so s times it approximates A⁻¹c. */
  protected final void scaledInto(double[] iterate, double[] out) {
    for (int j = 0; j < p; j++) {
      out[j] = scale * iterate[j];
    }
  }

  /** ‖x[from, from+p)‖. */
  protected final double norm(double[] x, int from) {
    double s = 0;
    for (int j = from; j < from + p; j++) {
      s += x[j] * x[j];
    }
    return Math.sqrt(s);
  }
}
