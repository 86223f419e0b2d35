package io.hypergrad.oracle;

/**
 * The stochastic linear system behind a hypergradient (DESIGN §1): {@code v* = d − B A⁻¹ c}, where A
 * (p×p, symmetric positive definite) is seen through minibatch samples A_t, and B (q×p), c (p) and d (q)
 * are full-batch. Every estimator talks to the problem only through this interface.
 *
 * <p>Vectors passed in are never modified; {@link #c()} and {@link #d()} return the oracle's own arrays,
 * which callers must not modify either.
 */
public interface StochasticLinearSystem {

  /** Dimension of the inner variable x. */
  int p();

  /** Dimension of the hyperparameters λ. */
  int q();

  /** Number of rows (or pool members) a minibatch is drawn from, uniformly with replacement. */
  int rowCount();

  /** c = ∇ₓ f at x*. */
  double[] c();

  /** d = ∇_λ f at x*. */
  double[] d();

  /** out ← B·z (z has length p, out length q). */
  void applyB(double[] z, double[] out);

  /** out ← A·v with the full-batch A. */
  void applyA(double[] v, double[] out);

  /**
   * out ← A_S·V for the minibatch S = {@code rows}: V holds k vectors of length p, column-major (p×k),
   * and every one of them is multiplied by the SAME sample. A_S = (1/|S|) Σ_{i∈S} A_i (+ the
   * regulariser's Hessian, for models that have one).
   */
  void applySampledA(int[] rows, double[] vectors, int k, double[] out);

  /**
   * The full-batch A as a dense p×p column-major matrix, for the {@code exact} method. The default
   * builds it from p products with unit vectors; oracles that know A better override it.
   */
  default double[] denseA() {
    int p = p();
    double[] a = new double[p * p];
    double[] e = new double[p];
    double[] col = new double[p];
    for (int j = 0; j < p; j++) {
      e[j] = 1.0;
      applyA(e, col);
      System.arraycopy(col, 0, a, j * p, p);
      e[j] = 0.0;
    }
    return a;
  }
}
