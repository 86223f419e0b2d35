package io.hypergrad.prep;

/**
 * How many rows go to train, validation and test: each a count (an integer ≥ 1, or 0 for none) or
 * a ratio of all rows (a number in (0, 1)). Rows left over are not used.
 */
public record SplitSizes(double train, double val, double test) implements java.io.Serializable {
  public SplitSizes {
    check("train", train);
    check("val", val);
    check("test", test);
    if (train == 0) {
      throw new IllegalArgumentException("split.train must be > 0");
    }
  }

  private static void check(String name, double v) {
    if (!(v >= 0) || Double.isInfinite(v) || (v >= 1 && v != Math.rint(v))) {
      throw new IllegalArgumentException("split." + name + " must be a count (an integer ≥ 0) or a ratio in (0, 1), got " + v);
    }
  }

  /** The three counts for a dataset of n rows. */
  public int[] counts(int n) {
    int[] c = {count(train, n), count(val, n), count(test, n)};
    long total = (long) c[0] + c[1] + c[2];
    if (total > n) {
      throw new IllegalArgumentException("the split asks for " + c[0] + " + " + c[1] + " + " + c[2] + " = " + total
          + " rows but the dataset has " + n);
    }
    return c;
  }

  private static int count(double v, int n) {
    return v < 1 ? (int) Math.floor(v * n) : (int) v;
  }
}
