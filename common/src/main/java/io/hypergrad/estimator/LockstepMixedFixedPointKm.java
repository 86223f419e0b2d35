package io.hypergrad.estimator;

import io.hypergrad.oracle.CounterSampler;
import io.hypergrad.oracle.StochasticLinearSystem;
import java.util.Locale;

/**
 * Mixed FP-KM for m right-hand sides at once: m chains that draw the same minibatch each iteration
 * (one sampler chain), so every step is one sampled product of all 2m vectors [W | U] — one pass
 * over the sample, at level-3 BLAS once the block is wide — instead of m. Each vector's recurrence
 * is {@link MixedFixedPointKm}'s, so column j is what a single chain on right-hand side j computes
 * (to rounding in the wide products); the estimates are scale·Z, columns of S ≈ A⁻¹G.
 */
public final class LockstepMixedFixedPointKm {
  private LockstepMixedFixedPointKm() {}

  /**
   * S (p×m, column-major) for the right-hand sides G (p×m) on {@code system}'s sampled products,
   * {@code iterations} steps of chain {@code chain} of {@code sampler}.
   *
   * @throws DivergenceException when a state norm passes divergenceFactor·‖G‖_max/scale
   */
  public static double[] solve(StochasticLinearSystem system, double[] g, int m, EstimatorSpec spec,
      CounterSampler sampler, int chain, int iterations, double divergenceFactor) {
    if (spec.method() != Method.MIXED_FP_KM) {
      throw new IllegalArgumentException("lockstep chains run mixed-fp-km, not " + spec.method().canonicalName());
    }
    int p = system.p();
    double scale = spec.scale();
    double alpha = spec.alpha();
    double oneMinusAlpha = 1.0 - alpha;
    // [w_0 … w_{m−1} | u_0 … u_{m−1}], both from c_j; z from 0
    double[] block = new double[2 * m * p];
    System.arraycopy(g, 0, block, 0, m * p);
    System.arraycopy(g, 0, block, m * p, m * p);
    double[] hvp = new double[2 * m * p];
    double[] z = new double[m * p];
    double cNorm = 0;
    for (int j = 0; j < m; j++) {
      double s = 0;
      for (int i = 0; i < p; i++) {
        s += g[j * p + i] * g[j * p + i];
      }
      cNorm = Math.max(cNorm, Math.sqrt(s));
    }
    double bound = divergenceFactor * cNorm / scale;
    int[] rows = sampler.newRowBuffer();
    for (int t = 0; t < iterations; t++) {
      sampler.rows(chain, t, rows);
      double lr = spec.schedule().rate(t);
      system.applySampledA(rows, block, 2 * m, hvp);
      double largest = 0;
      for (int j = 0; j < m; j++) {
        int w0 = j * p;
        int u0 = (m + j) * p;
        for (int i = 0; i < p; i++) {
          double w = block[w0 + i];
          double u = block[u0 + i];
          double zi = z[w0 + i];
          double c = g[w0 + i];
          z[w0 + i] = zi + lr * (alpha * (u + zi) + oneMinusAlpha * w - zi);
          block[w0 + i] = w + lr * (-scale * hvp[w0 + i] + c);
          block[u0 + i] = u + lr * (-scale * hvp[u0 + i]);
        }
      }
      if (t % 64 == 63 || t == iterations - 1) {
        for (double v : block) {
          largest = Math.max(largest, Math.abs(v));
        }
        if (!(largest <= bound)) {
          throw new DivergenceException(String.format(Locale.ROOT, "lockstep %s diverged at iteration %d (a state entry "
              + "of %.3g, above %.3g): lower scale", spec.label(), t, largest, bound), Double.NaN);
        }
      }
    }
    for (int i = 0; i < z.length; i++) {
      z[i] *= scale;
    }
    return z;
  }
}
