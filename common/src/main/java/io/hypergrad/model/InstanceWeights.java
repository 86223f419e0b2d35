package io.hypergrad.model;

/**
 * Fixed per-row instance weights cᵢ (MLlib's {@code weightCol}): every sum over a split's rows —
 * loss, gradient, Hessian, cross term — takes row i times cᵢ. A null array means every row weighs
 * 1 and the sums are exactly the unweighted ones. A split's weights are brought to mean 1 when the
 * data is read ({@link #normalizer}), so (1/n)Σcᵢℓᵢ is MLlib's Σcᵢℓᵢ/Σcᵢ and ρ keeps its meaning.
 */
public final class InstanceWeights {
  private InstanceWeights() {}

  /** Refuses weights that are negative, not finite or of the wrong count. */
  public static void check(double[] weights, int rows) {
    if (weights == null) {
      return;
    }
    if (weights.length != rows) {
      throw new IllegalArgumentException(weights.length + " instance weights for " + rows + " rows");
    }
    for (int i = 0; i < weights.length; i++) {
      if (!(weights[i] >= 0) || Double.isInfinite(weights[i])) {
        throw new IllegalArgumentException("row " + i + " has instance weight " + weights[i] + "; expected a finite number ≥ 0");
      }
    }
  }

  /** cᵢ·scale, or the row's scale alone without weights. */
  public static double times(double[] weights, int i, double scale) {
    return weights == null ? scale : scale * weights[i];
  }

  /** n/Σcᵢ: the factor that brings a split's weights to mean 1. */
  public static double normalizer(long rows, double weightSum) {
    if (!(weightSum > 0) || Double.isInfinite(weightSum)) {
      throw new IllegalArgumentException("the instance weights of a split of " + rows + " rows sum to " + weightSum
          + "; expected a positive finite sum");
    }
    return rows / weightSum;
  }

  /** The weights times {@code factor} (a copy), or null for null. */
  public static double[] scaled(double[] weights, double factor) {
    if (weights == null) {
      return null;
    }
    double[] out = new double[weights.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = weights[i] * factor;
    }
    return out;
  }
}
