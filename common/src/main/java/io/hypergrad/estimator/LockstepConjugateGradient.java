package io.hypergrad.estimator;

import io.hypergrad.linalg.Blas;
import java.util.Arrays;

/**
 * m independent conjugate-gradient solves of A·xⱼ = cⱼ run in lockstep: each iteration applies A to
 * every unfinished direction in one product of a p×k block (one pass over the rows where they are
 * partitioned), so m right-hand sides cost as many passes as the slowest of them, not m times as many.
 * Each column is exactly the single-vector CG of {@link ConjugateGradient} (its own step sizes, its
 * own stop at ‖rⱼ‖ ≤ tol·‖cⱼ‖).
 */
public final class LockstepConjugateGradient {
  private LockstepConjugateGradient() {}

  /** out (p×k, column-major) ← A·V for the k columns of V. */
  public interface BlockOperator {
    void apply(double[] vs, int k, double[] out);
  }

  /** The solutions (p×m, column-major) and the products taken. */
  public record Result(double[] x, int iterations, double worstResidual) {}

  public static Result solve(BlockOperator a, double[] cs, int p, int m, double tol, int maxIter) {
    double[] x = new double[p * m];
    double[] r = cs.clone();
    double[] dir = cs.clone();
    double[] rr = new double[m];
    double[] target = new double[m];
    boolean[] active = new boolean[m];
    for (int j = 0; j < m; j++) {
      double[] c = Arrays.copyOfRange(cs, j * p, (j + 1) * p);
      target[j] = tol * Blas.norm(c);
      rr[j] = Blas.dot(c, c);
      active[j] = Math.sqrt(rr[j]) > target[j];
    }
    int it = 0;
    while (it < maxIter) {
      int k = 0;
      int[] cols = new int[m];
      for (int j = 0; j < m; j++) {
        if (active[j]) {
          cols[k++] = j;
        }
      }
      if (k == 0) {
        break;
      }
      double[] block = new double[p * k];
      for (int b = 0; b < k; b++) {
        System.arraycopy(dir, cols[b] * p, block, b * p, p);
      }
      double[] q = new double[p * k];
      a.apply(block, k, q);
      for (int b = 0; b < k; b++) {
        int j = cols[b];
        double curvature = 0;
        for (int i = 0; i < p; i++) {
          curvature += dir[j * p + i] * q[b * p + i];
        }
        if (!(curvature > 0)) {
          throw new IllegalArgumentException("cg met a direction of non-positive curvature (dᵀAd = " + curvature
              + ") at iteration " + it + " of right-hand side " + j + ": A is not positive definite at this point");
        }
        double step = rr[j] / curvature;
        double next = 0;
        for (int i = 0; i < p; i++) {
          x[j * p + i] += step * dir[j * p + i];
          r[j * p + i] -= step * q[b * p + i];
          next += r[j * p + i] * r[j * p + i];
        }
        double beta = next / rr[j];
        for (int i = 0; i < p; i++) {
          dir[j * p + i] = r[j * p + i] + beta * dir[j * p + i];
        }
        rr[j] = next;
        active[j] = Math.sqrt(next) > target[j];
      }
      it++;
    }
    double worst = 0;
    for (int j = 0; j < m; j++) {
      worst = Math.max(worst, target[j] == 0 ? 0 : Math.sqrt(rr[j]) / (target[j] / tol));
    }
    return new Result(x, it, worst);
  }
}
