package io.hypergrad.estimator;

import io.hypergrad.oracle.StochasticLinearSystem;

/**
 * Mixed FP-KM (Terashita &amp; Hara 2025): Mixed FP with each of its three maps relaxed
 * Krasnoselskii–Mann style, y ← y + lr_t·(T(y) − y). The joint map on (z, w, u) is block
 * upper-triangular with contractive diagonal blocks and fixed point ((sA)⁻¹c, (sA)⁻¹c, 0), so with a
 * decreasing schedule z converges almost surely instead of plateauing.
 */
public final class MixedFixedPointKm extends FixedPointEstimator {
  private final double alpha;
  private final double oneMinusAlpha;
  private final StepSchedule schedule;
  /** [w | u], p×2 column-major, so both products ride one pass over the sample. */
  private final double[] block;
  private final double[] hvp;
  private final double[] z;

  public MixedFixedPointKm(StochasticLinearSystem system, double scale, double alpha, StepSchedule schedule) {
    super(system, scale);
    this.alpha = alpha;
    this.oneMinusAlpha = 1.0 - alpha;
    this.schedule = schedule;
    this.block = new double[2 * p];
    System.arraycopy(c, 0, block, 0, p);
    System.arraycopy(c, 0, block, p, p);
    this.hvp = new double[2 * p];
    this.z = new double[p];
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

  @Override
  public void adjoint(double[] out) {
    scaledInto(z, out);
  }

  @Override
  public double stateNorm() {
    return Math.max(norm(z, 0), Math.max(norm(block, 0), norm(block, p)));
  }
}
