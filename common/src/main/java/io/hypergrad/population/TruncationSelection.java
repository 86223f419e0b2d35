package io.hypergrad.population;

import java.util.Arrays;
import java.util.Comparator;
import java.util.random.RandomGenerator;

/**
 * PBT's exploit step by truncation: the students ranked by validation loss (ties by index, NaN
 * last), the bottom ⌈fraction·n⌉ each replaced by a copy of one of the top ⌈fraction·n⌉ drawn
 * uniformly. With fewer than two students, or a fraction of 0, nobody is replaced.
 */
public final class TruncationSelection {
  private TruncationSelection() {}

  /** Who is replaced, and by whom: {@code children[i]} copies {@code parents[i]}; {@code top} the top students. */
  public record Selection(int[] children, int[] parents, int[] top) {}

  /** The students by loss, best first. */
  public static int[] ranking(double[] losses) {
    Integer[] order = new Integer[losses.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    // Double.compare puts NaN above +∞: a diverged student ranks last
    Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> losses[i]).thenComparingInt(i -> i));
    return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
  }

  public static Selection select(double[] losses, double fraction, RandomGenerator rng) {
    if (!(fraction >= 0 && fraction <= 0.5)) {
      throw new IllegalArgumentException("the truncation fraction must be in [0, 0.5], got " + fraction);
    }
    int n = losses.length;
    int m = n < 2 ? 0 : (int) Math.ceil(fraction * n - 1e-12);
    int[] order = ranking(losses);
    int[] top = Arrays.copyOf(order, Math.max(m, 1));
    int[] children = new int[m];
    int[] parents = new int[m];
    for (int i = 0; i < m; i++) {
      children[i] = order[n - m + i];
      parents[i] = top[rng.nextInt(m)];
    }
    return new Selection(children, parents, top);
  }
}
