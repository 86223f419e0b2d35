package io.hypergrad.trajectory;

import io.hypergrad.oracle.CounterSampler;
import java.util.function.IntToDoubleFunction;

/**
 * Plain SGD with momentum and weight decay, the update {@link ForwardModeSgd} differentiates
 * (v' = μv + ∇g_S(θ) + ξθ, θ' = θ − α_t·v'), with a learning rate given per step — a hand-written
 * schedule (constant, step decay, cosine) to compare FDS's learned one against. Minibatches come from
 * the same counter-based sampler, so with a constant schedule the trajectory is ForwardModeSgd's.
 */
public final class SgdMomentum {
  private SgdMomentum() {}

  /** θ_T after {@code horizon} steps from θ₀ (v₀ = 0), step t's rows drawn by {@code seed}. */
  public static double[] train(TrajectoryOracle oracle, IntToDoubleFunction lr, double momentum, double weightDecay,
      int horizon, double[] x0, long seed, int batch) {
    int p = oracle.p();
    CounterSampler sampler = new CounterSampler(seed, oracle.trainRows(), batch);
    int[] rows = sampler.newRowBuffer();
    double[] x = x0.clone();
    double[] v = new double[p];
    double[] g = new double[p];
    for (int t = 0; t < horizon; t++) {
      double alpha = lr.applyAsDouble(t);
      sampler.rows(0, t, rows);
      oracle.gradient(x, rows, g);
      for (int i = 0; i < p; i++) {
        v[i] = momentum * v[i] + g[i] + weightDecay * x[i];
      }
      for (int i = 0; i < p; i++) {
        x[i] -= alpha * v[i];
      }
    }
    return x;
  }
}
