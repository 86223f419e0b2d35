package io.hypergrad.estimator;

import io.hypergrad.oracle.StochasticLinearSystem;

/**
 * SID (Grazzi, Pontil &amp; Salzo 2021; the paper's StocFP+KM): the fixed-point map relaxed by
 * lr_t, w ← w + lr_t·(−s·A_t·w + c) from w = 0. With a decreasing schedule the noise averages out.
 */
public final class StochasticImplicitDifferentiation extends FixedPointEstimator {
  private final StepSchedule schedule;
  private final double[] w;
  private final double[] hvp;

  public StochasticImplicitDifferentiation(StochasticLinearSystem system, double scale, StepSchedule schedule) {
    super(system, scale);
    this.schedule = schedule;
    this.w = new double[p];
    this.hvp = new double[p];
  }

  @Override
  public void step(long t, int[] rows) {
    double lr = schedule.rate(t);
    system.applySampledA(rows, w, 1, hvp);
    for (int j = 0; j < p; j++) {
      w[j] = w[j] + lr * (-scale * hvp[j] + c[j]);
    }
  }

  @Override
  public void adjoint(double[] out) {
    scaledInto(w, out);
  }

  @Override
  public double stateNorm() {
    return norm(w, 0);
  }
}
