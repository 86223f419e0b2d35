package io.hypergrad.model;

import io.hypergrad.estimator.ConjugateGradient;
import io.hypergrad.estimator.DirectSolution;
import io.hypergrad.linalg.Blas;

/**
 * The inner solver: truncated Newton (Newton-CG) on g(·, λ) with the analytic Hessian-vector
 * products, a CG forcing term min(0.5, √‖∇g‖) and Armijo backtracking. For these strongly convex
 * problems it converges quadratically near x*, which is what a tight ‖∇ₓg‖ needs; it warm-starts
 * from any x. Each trial point's value comes with its gradient (one pass over the rows), so an
 * accepted step needs no pass of its own for the next gradient.
 */
public final class NewtonCg {
  private NewtonCg() {}

  /**
   * @param x          the converged x
   * @param gradNorm   ‖∇ₓg(x)‖ at the end
   * @param startNorm  ‖∇ₓg(x₀)‖
   * @param iterations Newton steps taken
   * @param converged  whether gradNorm reached the target of {@link #solve}
   */
  public record Result(double[] x, double gradNorm, double startNorm, int iterations, boolean converged) {}

  /** Minimises g from x0 until ‖∇g‖ ≤ tol·‖∇g(x0)‖ (or ≤ 1e-15·scale, floating point's floor) or maxIter steps. */
  public static Result solve(InnerObjective problem, double[] x0, double tol, int maxIter) {
    int p = problem.p();
    double[] x = x0.clone();
    double[] grad = new double[p];
    double value = problem.valueAndGradient(x, grad);
    double startNorm = Blas.norm(grad);
    double target = Math.max(tol * startNorm, 1e-15);
    double norm = startNorm;
    int it = 0;
    while (norm > target && it < maxIter) {
      double forcing = Math.min(0.5, Math.sqrt(norm));
      double[] negGrad = grad.clone();
      for (int j = 0; j < p; j++) {
        negGrad[j] = -negGrad[j];
      }
      final double[] at = x;
      DirectSolution dir = ConjugateGradient.solve((v, out) -> problem.hessianProduct(at, v, out), negGrad,
          forcing, Math.max(10, 2 * p));
      double[] step = dir.x();
      double slope = Blas.dot(grad, step);
      double t = 1.0;
      double[] trial = new double[p];
      double[] trialGrad = new double[p];
      double trialValue;
      while (true) {
        for (int j = 0; j < p; j++) {
          trial[j] = x[j] + t * step[j];
        }
        trialValue = problem.valueAndGradient(trial, trialGrad);
        // near x* the predicted decrease falls below the rounding of g itself; then the full Newton
        // step is taken on the gradient's word (it converges quadratically there)
        boolean belowResolution = t == 1.0 && -slope <= 1e-13 * Math.max(1.0, Math.abs(value));
        if (trialValue <= value + 1e-4 * t * slope || belowResolution || t < 1e-10) {
          break;
        }
        t *= 0.5;
      }
      x = trial;
      value = trialValue;
      grad = trialGrad;
      double next = Blas.norm(grad);
      it++;
      if (t < 1e-10 && next >= norm) {
        norm = next;
        break;
      }
      norm = next;
    }
    return new Result(x, norm, startNorm, it, norm <= target);
  }
}
