package io.hypergrad.estimator;

/**
 * An iterative, sample-driven estimator of x* = A⁻¹c (and so of v* = d − B x*). The caller draws
 * the minibatch of each iteration and passes its rows in; every product inside one step uses that
 * same sample.
 */
public interface StochasticEstimator {

  /** Advances one iteration t on the minibatch {@code rows}. */
  void step(long t, int[] rows);

  /** Writes the current x ≈ A⁻¹c into {@code out} (length p); the estimate is v = d − B·x. */
  void adjoint(double[] out);

  /** Euclidean norm of the largest state vector, watched for divergence. */
  double stateNorm();
}
