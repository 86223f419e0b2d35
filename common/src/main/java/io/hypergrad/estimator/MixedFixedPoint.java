package io.hypergrad.estimator;

import io.hypergrad.oracle.StochasticLinearSystem;

/**
 * Mixed FP (Terashita &amp; Hara 2025): runs the fixed-point iterate w (StocFP, from c) and the
 * unrolled product u (StocRB, from c) on the same sample, and mixes them into
 * z ← α·(u + z) + (1 − α)·w. z is an exponential moving average of the StocFP iterates, and the α·u
 * terms supply the early Neumann terms that the average would otherwise miss; averaging about
 * 1/(1 − α) iterates is what lowers the variance. α = 0 is StocFP, α = 1 is StocRB.
 */
public final class MixedFixedPoint extends MixedIterates {

  public MixedFixedPoint(StochasticLinearSystem system, double scale, double alpha) {
    super(system, scale, alpha);
  }

  @Override
  public void step(long t, int[] rows) {
    system.applySampledA(rows, block, 2, hvp);
    // z, w, u all read their values from the start of the step
    for (int j = 0; j < p; j++) {
      double w = block[j];
      double u = block[p + j];
      z[j] = alpha * (u + z[j]) + oneMinusAlpha * w;
      block[p + j] = u - scale * hvp[p + j];
      block[j] = w - scale * hvp[j] + c[j];
    }
  }
}
