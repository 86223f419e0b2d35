package io.hypergrad.estimator;

import io.hypergrad.linalg.Blas;
import io.hypergrad.linalg.DenseCholesky;
import io.hypergrad.oracle.StochasticLinearSystem;

/** x = A⁻¹c by a Cholesky factorisation of the dense full-batch A: the ground truth for small p. */
public final class ExactSolve {
  /** Above this p, forming and factoring A (p² memory, p³/3 flops) is left to cg. */
  public static final int DEFAULT_MAX_P = 4000;

  private ExactSolve() {}

  public static DirectSolution solve(StochasticLinearSystem system, int maxP) {
    int p = system.p();
    if (p > maxP) {
      throw new IllegalArgumentException("exact needs a dense " + p + "×" + p + " Hessian, above the limit of p = "
          + maxP + " (exact_max_p); use cg for this problem");
    }
    double[] c = system.c();
    double[] x = DenseCholesky.factor(system.denseA(), p).solve(c);
    double[] ax = new double[p];
    system.applyA(x, ax);
    double cNorm = Blas.norm(c);
    double residual = cNorm == 0 ? 0 : Blas.distance(ax, c) / cNorm;
    return new DirectSolution(x, 0, residual, true);
  }
}
