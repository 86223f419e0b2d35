package io.hypergrad.trajectory;

import java.util.Arrays;

/**
 * The hyperparameters of SGD with momentum over a horizon of T steps, each shared over contiguous
 * windows of steps (FDS's sharing): W_α learning rates, W_μ momenta and W_ξ weight decays; step t
 * uses window ⌊W·t/T⌋ of each. One update is v ← μv + ∇g_S(θ) + ξθ, θ ← θ − αv (weight decay
 * coupled into the velocity, as in PyTorch's SGD and the FDS reference code).
 *
 * <p>The flat vector of {@link #flat} orders them α windows, then μ, then ξ: the order of the
 * hypergradient and of the tangent columns.
 */
public record SgdMomentumSchedule(double[] lr, double[] momentum, double[] weightDecay, int horizon) {
  public SgdMomentumSchedule {
    if (horizon < 1) {
      throw new IllegalArgumentException("horizon must be at least 1 step, got " + horizon);
    }
    for (double[] group : new double[][] {lr, momentum, weightDecay}) {
      if (group.length < 1 || group.length > horizon) {
        throw new IllegalArgumentException("each hyperparameter needs 1 to horizon (" + horizon + ") windows, got "
            + group.length);
      }
    }
    lr = lr.clone();
    momentum = momentum.clone();
    weightDecay = weightDecay.clone();
  }

  /** Constant values over {@code windows[g]} windows per group. */
  public static SgdMomentumSchedule constant(double lr, double momentum, double weightDecay, int[] windows, int horizon) {
    double[] a = new double[windows[0]];
    double[] m = new double[windows[1]];
    double[] w = new double[windows[2]];
    Arrays.fill(a, lr);
    Arrays.fill(m, momentum);
    Arrays.fill(w, weightDecay);
    return new SgdMomentumSchedule(a, m, w, horizon);
  }

  /** The window of a group of {@code count} windows that step t falls in. */
  public static int window(int count, long t, int horizon) {
    return (int) (count * t / horizon);
  }

  public int lrWindow(long t) {
    return window(lr.length, t, horizon);
  }

  public int momentumWindow(long t) {
    return window(momentum.length, t, horizon);
  }

  public int weightDecayWindow(long t) {
    return window(weightDecay.length, t, horizon);
  }

  /** How many hyperparameters: W_α + W_μ + W_ξ. */
  public int size() {
    return lr.length + momentum.length + weightDecay.length;
  }

  /** α, μ, ξ windows in one vector. */
  public double[] flat() {
    double[] h = new double[size()];
    System.arraycopy(lr, 0, h, 0, lr.length);
    System.arraycopy(momentum, 0, h, lr.length, momentum.length);
    System.arraycopy(weightDecay, 0, h, lr.length + momentum.length, weightDecay.length);
    return h;
  }

  /** The schedule with the same windows and horizon and values {@code h} (in {@link #flat}'s order). */
  public SgdMomentumSchedule with(double[] h) {
    if (h.length != size()) {
      throw new IllegalArgumentException("expected " + size() + " values, got " + h.length);
    }
    int a = lr.length;
    int m = momentum.length;
    return new SgdMomentumSchedule(Arrays.copyOfRange(h, 0, a), Arrays.copyOfRange(h, a, a + m),
        Arrays.copyOfRange(h, a + m, h.length), horizon);
  }

  /** The same values spread over another horizon (the windows keep their share of it). */
  public SgdMomentumSchedule withHorizon(int steps) {
    return new SgdMomentumSchedule(lr, momentum, weightDecay, steps);
  }
}
