package io.hypergrad.optim;

/**
 * FDS's outer update (Micaelli &amp; Storkey's public code): every hyperparameter moves by its own
 * step size against the sign of its hypergradient, and its step size is multiplied by {@code decay}
 * whenever that sign flips from the previous update — a per-coordinate sign descent that needs no
 * scale for hypergradients whose magnitudes differ by orders between learning rate, momentum and
 * weight decay, and that settles by halving around a sign change. A zero or NaN hypergradient moves
 * nothing and resets that coordinate's sign.
 */
public final class SignStepWithDecay {
  private final double[] steps;
  private final double[] signs;
  private final double decay;

  public SignStepWithDecay(double[] initialSteps, double decay) {
    if (!(decay > 0 && decay < 1)) {
      throw new IllegalArgumentException("the step decay must be in (0, 1), got " + decay);
    }
    this.steps = initialSteps.clone();
    this.signs = new double[initialSteps.length];
    this.decay = decay;
  }

  /** h ← h − step ⊙ sign(grad) on the coordinates {@code learned} marks (all when null). */
  public void apply(double[] h, double[] grad, boolean[] learned) {
    for (int j = 0; j < h.length; j++) {
      if (learned != null && !learned[j]) {
        continue;
      }
      double sign = Double.isNaN(grad[j]) ? 0 : Math.signum(grad[j]);
      if (sign * signs[j] < 0) {
        steps[j] *= decay;
      }
      signs[j] = sign;
      h[j] -= sign * steps[j];
    }
  }

  /** The current step sizes (a copy). */
  public double[] steps() {
    return steps.clone();
  }

  /** The signs of the last update (a copy). */
  public double[] signs() {
    return signs.clone();
  }

  /** Puts back the step sizes and signs a checkpoint kept. */
  public void restore(double[] savedSteps, double[] savedSigns) {
    if (savedSteps.length != steps.length || savedSigns.length != signs.length) {
      throw new IllegalArgumentException("a state for " + savedSteps.length + " hyperparameters, not " + steps.length);
    }
    System.arraycopy(savedSteps, 0, steps, 0, steps.length);
    System.arraycopy(savedSigns, 0, signs, 0, signs.length);
  }
}
