package io.hypergrad.estimator;

import io.hypergrad.oracle.StochasticLinearSystem;

/** StocFP, the stochastic Neumann series (LiSSA's recursion): w ← w − s·A_t·w + c from w = 0. */
public final class NeumannSeries extends FixedPointEstimator {
  private final double[] w;
  private final double[] hvp;

  public NeumannSeries(StochasticLinearSystem system, double scale) {
    this(system, scale, new double[system.p()]);
  }

  /** Starts from {@code start} instead of 0 (w₀ = c makes it Mixed FP with α = 0, one step behind). */
  public NeumannSeries(StochasticLinearSystem system, double scale, double[] start) {
    super(system, scale);
    if (start.length != p) {
      throw new IllegalArgumentException("start has length " + start.length + ", expected " + p);
    }
    this.w = start.clone();
    this.hvp = new double[p];
  }

  @Override
  public void step(long t, int[] rows) {
    system.applySampledA(rows, w, 1, hvp);
    for (int j = 0; j < p; j++) {
      w[j] = w[j] - scale * hvp[j] + c[j];
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
