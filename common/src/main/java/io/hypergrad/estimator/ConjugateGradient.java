package io.hypergrad.estimator;

import io.hypergrad.linalg.Blas;
import io.hypergrad.linalg.LinearOperator;
import io.hypergrad.oracle.StochasticLinearSystem;

/** Conjugate gradient on A x = c with the full-batch A (noisy products would break conjugacy). */
public final class ConjugateGradient {
  private ConjugateGradient() {}

  /** Runs from x = 0 until ‖r‖ ≤ tol·‖c‖ or maxIter products. */
  public static DirectSolution solve(StochasticLinearSystem system, double tol, int maxIter) {
    return solve(system::applyA, system.c(), tol, maxIter);
  }

  /** Solves M x = c for a symmetric positive definite M, from x = 0, until ‖r‖ ≤ tol·‖c‖ or maxIter products. */
  public static DirectSolution solve(LinearOperator system, double[] c, double tol, int maxIter) {
    int p = c.length;
    double[] x = new double[p];
    double[] r = c.clone();
    double[] dir = c.clone();
    double[] q = new double[p];
    double cNorm = Blas.norm(c);
    if (cNorm == 0) {
      return new DirectSolution(x, 0, 0, true);
    }
    double rr = Blas.dot(r, r);
    int it = 0;
    while (it < maxIter && Math.sqrt(rr) > tol * cNorm) {
      system.apply(dir, q);
      double curvature = Blas.dot(dir, q);
      if (!(curvature > 0)) {
        throw new IllegalArgumentException("cg met a direction of non-positive curvature (dᵀAd = " + curvature
            + ") at iteration " + it + ": A is not positive definite at this point");
      }
      double step = rr / curvature;
      Blas.axpy(step, dir, x);
      Blas.axpy(-step, q, r);
      double rrNext = Blas.dot(r, r);
      double beta = rrNext / rr;
      for (int j = 0; j < p; j++) {
        dir[j] = r[j] + beta * dir[j];
      }
      rr = rrNext;
      it++;
    }
    // the recursive residual drifts from the true one; report the true one
    double[] ax = new double[p];
    system.apply(x, ax);
    double residual = Blas.distance(ax, c) / cNorm;
    return new DirectSolution(x, it, residual, Math.sqrt(rr) <= tol * cNorm);
  }
}
