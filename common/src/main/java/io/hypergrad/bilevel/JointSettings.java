package io.hypergrad.bilevel;

/**
 * Step sizes and options of the joint methods.
 *
 * @param stepSize      ρ₀: the inner step (SOBA: ρ_t = ρ₀/√(t+1); NBO: the sub-problems' GD step β = ρ₀;
 *                      NHGD: the inner SGD step ρ_t = ρ₀/√(t+1))
 * @param outerRatio    λ's step is the inner step / outerRatio (decreasing as 1/√(t+1) for stochastic methods)
 * @param newtonSteps   NBO's T: T + 1 GD steps on each Newton sub-problem
 * @param smoothing     NHGD's Fisher smoothing ρ_F in F ← ρ_F·F + (1 − ρ_F)·ggᵀ
 * @param fisherSamples NHGD: per-sample gradients of each minibatch that update the Fisher (its first ones)
 * @param blocks        NHGD: the Fisher and its inverse are block-diagonal with this many equal blocks (1: full)
 * @param refresh       NHGD: every this many steps the inverse is recomputed exactly from F and the regulariser
 */
public record JointSettings(double stepSize, double outerRatio, int newtonSteps, double smoothing, int fisherSamples, int blocks,
    int refresh) {
  public JointSettings {
    if (!(stepSize > 0)) {
      throw new IllegalArgumentException("step_size must be > 0, got " + stepSize);
    }
    if (!(outerRatio > 0)) {
      throw new IllegalArgumentException("outer_ratio must be > 0, got " + outerRatio);
    }
    if (newtonSteps < 0) {
      throw new IllegalArgumentException("newton_steps must be ≥ 0, got " + newtonSteps);
    }
    if (!(smoothing > 0 && smoothing < 1)) {
      throw new IllegalArgumentException("fisher_smoothing must be in (0, 1), got " + smoothing);
    }
    if (fisherSamples < 1 || blocks < 1 || refresh < 1) {
      throw new IllegalArgumentException("fisher_samples, fisher_blocks and fisher_refresh must be ≥ 1");
    }
  }
}
