package io.hypergrad.prep;

import java.util.SplittableRandom;

/** A uniform random permutation of 0…n−1 (Fisher–Yates), the same on every JVM for a seed. */
public final class Permutation {
  private Permutation() {}

  public static int[] of(int n, SplittableRandom rng) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
