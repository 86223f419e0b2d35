package io.hypergrad.estimator;

import io.hypergrad.oracle.StochasticLinearSystem;

/**
 * StocRB, reverse-mode unrolling linearised at x*: u ← u − s·A_t·u from u = c, accumulating
 * Σ u (the read-out v ← v − s·B·u of every step, with B applied once at the end).
 */
public final class UnrolledRecursion extends FixedPointEstimator {
  private final double[] u;
  private final double[] sum;
  private final double[] hvp;

  public UnrolledRecursion(StochasticLinearSystem system, double scale) {
    super(system, scale);
    this.u = c.clone();
    this.sum = new double[p];
    this.hvp = new double[p];
  }

  @Override
  public void step(long t, int[] rows) {
    system.applySampledA(rows, u, 1, hvp);
    for (int j = 0; j < p; j++) {
      sum[j] = sum[j] + u[j];
      u[j] = u[j] - scale * hvp[j];
    }
  }

  @Override
  public void adjoint(double[] out) {
    scaledInto(sum, out);
  }

  @Override
  public double stateNorm() {
    return Math.max(norm(sum, 0), norm(u, 0));
  }
}
