package io.hypergrad.prep;

import java.util.SplittableRandom;

/**
 * Label noise for hyper-cleaning: a seeded share of the rows get a label drawn uniformly from the
 * other classes (for two classes: flipped). Labels must be class indices 0…K−1.
 */
public final class LabelNoise {
  private LabelNoise() {}

  /** Returns the noisy labels (a copy); {@code noisy[i]} tells which rows were changed. */
  public static double[] apply(double[] labels, int classes, double fraction, long seed, boolean[] noisy) {
    if (classes < 2) {
      throw new IllegalArgumentException("label noise needs class labels 0…K−1 with K ≥ 2, found K = " + classes);
    }
    int n = labels.length;
    int count = (int) Math.round(fraction * n);
    int[] order = Permutation.of(n, new SplittableRandom(seed));
    SplittableRandom rng = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
    double[] out = labels.clone();
    for (int k = 0; k < count; k++) {
      int i = order[k];
      int y = (int) labels[i];
      int other = rng.nextInt(classes - 1);
      out[i] = other >= y ? other + 1 : other;
      noisy[i] = true;
    }
    return out;
  }
}
