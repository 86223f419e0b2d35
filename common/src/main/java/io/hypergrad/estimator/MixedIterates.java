package io.hypergrad.estimator;

import io.hypergrad.oracle.StochasticLinearSystem;

/**
 * The state the two mixed methods share: the fixed-point iterate w and the unrolled product u,
 * both from c, kept side by side as a p×2 block [w | u] so that one pass over the sample gives
 * both products; and the mixture z, from 0, which is the estimate.
 */
abstract class MixedIterates extends FixedPointEstimator {
  protected final double alpha;
  protected final double oneMinusAlpha;
  protected final double[] block;
  protected final double[] hvp;
  protected final double[] z;

  MixedIterates(StochasticLinearSystem system, double scale, double alpha) {
    super(system, scale);
    this.alpha = alpha;
    this.oneMinusAlpha = 1.0 - alpha;
    this.block = new double[2 * p];
    System.arraycopy(c, 0, block, 0, p);
    System.arraycopy(c, 0, block, p, p);
    this.hvp = new double[2 * p];
    this.z = new double[p];
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
