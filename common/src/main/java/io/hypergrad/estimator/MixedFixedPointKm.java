package io.hypergrad.estimator;

import io.hypergrad.oracle.StochasticLinearSystem;

/**
 * Mixed FP-KM (Terashita &amp; Hara 2025): Mixed FP with each of its three maps relaxed
 * Krasnoselskii–Mann style, y ← y + lr_t·(T(y) − y). The joint map on (z, w, u) is block
 * upper-triangular with contractive diagonal blocks and fixed point ((sA)⁻¹c, (sA)⁻¹c, 0), so with a
 * decreasing schedule z converges almost surely instead of plateauing.
 */
public final class MixedFixedPointKm extends MixedIterates {
  private final StepSchedule schedule;

  public MixedFixedPointKm(StochasticLinearSystem system, double scale, double alpha, StepSchedule schedule) {
    super(system, scale, alpha);
    this.schedule = schedule;
  }

  @Override
  public void step(long t, int[] rows) {
    double lr = schedule.rate(t);
    system.applySampledA(rows, block, 2, hvp);
    // z, w, u all read their values from the start of the step
    for (int j = 0; j < p; j++) {
      double w = block[j];
      double u = block[p + j];
      double zj = z[j];
      z[j] = zj + lr * (alpha * (u + zj) + oneMinusAlpha * w - zj);
      block[j] = w + lr * (-scale * hvp[j] + c[j]);
      block[p + j] = u + lr * (-scale * hvp[p + j]);
    }
  }
}
