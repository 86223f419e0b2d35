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
    int[] draws = draws(labels.length, classes, fraction, seed);
    double[] out = labels.clone();
    for (int i = 0; i < labels.length; i++) {
      if (draws[i] >= 0) {
        out[i] = relabel(labels[i], draws[i]);
        noisy[i] = true;
      }
    }
    return out;
  }

  /**
   * For each of n rows the draw that replaces its label (see {@link #relabel}), or −1 when the row
   * keeps it: the rows and draws do not depend on the labels, so they can be decided here and applied
   * where the rows are.
   */
  public static int[] draws(int n, int classes, double fraction, long seed) {
    if (classes < 2) {
      throw new IllegalArgumentException("label noise needs class labels 0…K−1 with K ≥ 2, found K = " + classes);
    }
    int count = (int) Math.round(fraction * n);
    int[] order = Permutation.of(n, new SplittableRandom(seed));
    SplittableRandom rng = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
    int[] draws = new int[n];
    java.util.Arrays.fill(draws, -1);
    for (int k = 0; k < count; k++) {
      draws[order[k]] = rng.nextInt(classes - 1);
    }
    return draws;
  }

  /** Label y replaced by the other class that draw d ∈ [0, K − 1) names. */
  public static double relabel(double y, int draw) {
    return draw >= (int) y ? draw + 1 : draw;
  }
}
