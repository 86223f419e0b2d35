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

  /**
   * The seeded exact-count split of rows 0…n−1: the first counts[0] positions of the permutation go
   * to split 0 (train), the next counts[1] to 1 (val), then counts[2] to 2 (test); every other row
   * gets 3 (unused). One byte per row.
   */
  public static byte[] splits(int n, int[] counts, long seed) {
    int[] order = of(n, new SplittableRandom(seed));
    byte[] member = new byte[n];
    java.util.Arrays.fill(member, (byte) 3);
    int at = 0;
    for (byte s = 0; s < 3; s++) {
      for (int c = 0; c < counts[s]; c++) {
        member[order[at++]] = s;
      }
    }
    return member;
  }
}
