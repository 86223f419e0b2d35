package io.hypergrad.trajectory;

import io.hypergrad.oracle.CounterSampler;

/**
 * The same hypergradient as {@link ForwardModeSgd} by reverse-mode differentiation: the trajectory
 * (θ_t and v_t for every step) is kept and walked back with one minibatch Hessian product per step.
 * Memory grows as O(p·T) — the cost FDS avoids — so it serves as the independent check of the
 * forward mode and as the baseline of the memory benchmark, on horizons small enough to store.
 *
 * <p>Adjoints: with a = ∂f/∂θ' and b = ∂f/∂v' after a step, b̃ = b − αa; then ∂f/∂α += −⟨a, v'⟩,
 * ∂f/∂μ += ⟨b̃, v⟩, ∂f/∂ξ += ⟨b̃, θ⟩, ∂f/∂θ = a + (∇²g_S(θ) + ξI)b̃ and ∂f/∂v = μb̃.
 */
public final class ReverseModeSgd {
  private ReverseModeSgd() {}

  public static ForwardModeSgd.Result run(TrajectoryOracle oracle, SgdMomentumSchedule schedule, double[] x0, long seed,
      int batch) {
    int p = oracle.p();
    int steps = schedule.horizon();
    int wa = schedule.lr().length;
    int wm = schedule.momentum().length;
    CounterSampler sampler = new CounterSampler(seed, oracle.trainRows(), batch);
    int[] rows = sampler.newRowBuffer();
    double[][] xs = new double[steps + 1][];
    double[][] vs = new double[steps + 1][];
    xs[0] = x0.clone();
    vs[0] = new double[p];
    double[] g = new double[p];
    for (int t = 0; t < steps; t++) {
      double alpha = schedule.lr()[schedule.lrWindow(t)];
      double mu = schedule.momentum()[schedule.momentumWindow(t)];
      double xi = schedule.weightDecay()[schedule.weightDecayWindow(t)];
      sampler.rows(0, t, rows);
      oracle.gradient(xs[t], rows, g);
      double[] v = new double[p];
      double[] x = new double[p];
      for (int i = 0; i < p; i++) {
        v[i] = mu * vs[t][i] + g[i] + xi * xs[t][i];
        x[i] = xs[t][i] - alpha * v[i];
      }
      vs[t + 1] = v;
      xs[t + 1] = x;
    }
    double[] a = new double[p];
    oracle.validationGradient(xs[steps], a);
    double[] b = new double[p];
    double[] bt = new double[p];
    double[] hb = new double[p];
    double[] hyper = new double[schedule.size()];
    for (int t = steps - 1; t >= 0; t--) {
      int ja = schedule.lrWindow(t);
      int jm = schedule.momentumWindow(t);
      int jw = schedule.weightDecayWindow(t);
      double alpha = schedule.lr()[ja];
      double mu = schedule.momentum()[jm];
      double xi = schedule.weightDecay()[jw];
      double dAlpha = 0;
      double dMu = 0;
      double dXi = 0;
      for (int i = 0; i < p; i++) {
        bt[i] = b[i] - alpha * a[i];
        dAlpha -= a[i] * vs[t + 1][i];
        dMu += bt[i] * vs[t][i];
        dXi += bt[i] * xs[t][i];
      }
      hyper[ja] += dAlpha;
      hyper[wa + jm] += dMu;
      hyper[wa + wm + jw] += dXi;
      sampler.rows(0, t, rows);
      oracle.hessianProducts(xs[t], rows, bt, 1, hb);
      for (int i = 0; i < p; i++) {
        a[i] += hb[i] + xi * bt[i];
        b[i] = mu * bt[i];
      }
    }
    return new ForwardModeSgd.Result(xs[steps], vs[steps], oracle.validationLoss(xs[steps]), hyper);
  }
}
