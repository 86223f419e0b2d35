package io.hypergrad.trajectory;

import io.hypergrad.linalg.Blas;
import io.hypergrad.oracle.CounterSampler;

/**
 * FDS's hypergradient (Micaelli &amp; Storkey, NeurIPS 2021): the derivative of the validation loss
 * f(θ_T) with respect to every window of an {@link SgdMomentumSchedule}, by forward-mode
 * differentiation through the whole SGD-with-momentum trajectory. The tangents Z = dθ/dh and
 * C = dv/dh (p × H each, one column per hyperparameter) are carried with the iterate, so memory
 * is O(p·H) whatever the horizon; each step costs one minibatch gradient and one minibatch Hessian
 * product of the tangent columns already started (a window's column is zero until its first step),
 * in one pass over the step's rows.
 *
 * <p>From v' = μv + ∇g_S(θ) + ξθ and θ' = θ − αv', with e the column of the step's window:
 * C' = μC + (∇²g_S(θ) + ξI)Z + v·e_μ + θ·e_ξ and Z' = Z − αC' − v'·e_α; the hypergradient is
 * Zᵀ∇f(θ_T). Minibatches come from the counter-based sampler (step t's rows depend on the seed and
 * t only), so a trajectory is the same wherever and however often it is run.
 */
public final class ForwardModeSgd {
  private ForwardModeSgd() {}

  /** The trajectory's end: θ_T, v_T, f(θ_T) and df(θ_T)/dh in {@link SgdMomentumSchedule#flat}'s order. */
  public record Result(double[] x, double[] velocity, double validationLoss, double[] hypergradient) {}

  /** Runs T steps from θ₀ (v₀ = 0) with minibatches of {@code batch} rows drawn by {@code seed}. */
  public static Result run(TrajectoryOracle oracle, SgdMomentumSchedule schedule, double[] x0, long seed, int batch) {
    int p = oracle.p();
    int wa = schedule.lr().length;
    int wm = schedule.momentum().length;
    int h = schedule.size();
    CounterSampler sampler = new CounterSampler(seed, oracle.trainRows(), batch);
    int[] rows = sampler.newRowBuffer();
    double[] x = x0.clone();
    double[] v = new double[p];
    double[] vNext = new double[p];
    double[] g = new double[p];
    double[] z = new double[p * h];
    double[] c = new double[p * h];
    int[] active = new int[h];
    double[] packed = new double[p * h];
    double[] products = new double[p * h];
    for (int t = 0; t < schedule.horizon(); t++) {
      int ja = schedule.lrWindow(t);
      int jm = wa + schedule.momentumWindow(t);
      int jw = wa + wm + schedule.weightDecayWindow(t);
      double alpha = schedule.lr()[ja];
      double mu = schedule.momentum()[jm - wa];
      double xi = schedule.weightDecay()[jw - wa - wm];
      // the columns of windows started so far; the others are still zero
      int k = 0;
      for (int j = 0; j <= ja; j++) {
        active[k++] = j;
      }
      for (int j = wa; j <= jm; j++) {
        active[k++] = j;
      }
      for (int j = wa + wm; j <= jw; j++) {
        active[k++] = j;
      }
      for (int a = 0; a < k; a++) {
        System.arraycopy(z, active[a] * p, packed, a * p, p);
      }
      sampler.rows(0, t, rows);
      oracle.gradient(x, rows, g);
      oracle.hessianProducts(x, rows, packed, k, products);
      for (int i = 0; i < p; i++) {
        vNext[i] = mu * v[i] + g[i] + xi * x[i];
      }
      for (int a = 0; a < k; a++) {
        int j = active[a];
        int off = j * p;
        int hv = a * p;
        double sv = j == jm ? 1 : 0;
        double sx = j == jw ? 1 : 0;
        double sa = j == ja ? 1 : 0;
        for (int i = 0; i < p; i++) {
          double ci = mu * c[off + i] + products[hv + i] + xi * z[off + i] + sv * v[i] + sx * x[i];
          c[off + i] = ci;
          z[off + i] -= alpha * ci + sa * vNext[i];
        }
      }
      for (int i = 0; i < p; i++) {
        x[i] -= alpha * vNext[i];
      }
      double[] swap = v;
      v = vNext;
      vNext = swap;
    }
    double[] grad = new double[p];
    oracle.validationGradient(x, grad);
    double[] hyper = new double[h];
    Blas.gemvTransposed(1.0, z, p, h, grad, 0.0, hyper);
    return new Result(x, v, oracle.validationLoss(x), hyper);
  }
}
