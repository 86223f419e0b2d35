package io.hypergrad.prep.table;

import io.hypergrad.prep.SplitSizes;

/**
 * How the rows of a table go to train, validation and test, without a shuffle or a global sort.
 * <ul>
 *   <li>{@code permutation}: exact counts (or ratios) by a seeded permutation of the row numbers —
 *       the paper tasks' 5000/5000 split, the same rows as the in-memory preparation; it holds one
 *       byte per row on every executor, so it is for tables up to about 10⁸ rows.
 *   <li>{@code hash}: ratios; a row goes by a seeded hash of its id (or, without an id column, of
 *       its label and feature values), so the same row lands in the same split however the table is
 *       partitioned (identical rows share a split).
 *   <li>{@code column}: a column says: train / val (or validation) / test, or a boolean that is
 *       true for validation rows (MLlib's validationIndicatorCol); other values leave the row out.
 *   <li>{@code none}: every row is training data (a split read from its own source).
 * </ul>
 */
public record SplitRule(String method, SplitSizes sizes, long seed, String column) implements java.io.Serializable {
  public static final byte TRAIN = 0;
  public static final byte VAL = 1;
  public static final byte TEST = 2;
  public static final byte UNUSED = 3;
  /** Not decided in the first pass (a permutation needs the row count). */
  public static final byte LATER = 4;
  public static final String[] NAMES = {"train", "val", "test"};

  public SplitRule {
    switch (method) {
      case "permutation", "none" -> { }
      case "hash" -> {
        if (sizes.train() >= 1 || sizes.val() >= 1 || sizes.test() >= 1) {
          throw new IllegalArgumentException("split method hash takes ratios in (0, 1), not counts; use method "
              + "permutation for exact counts");
        }
        if (sizes.train() + sizes.val() + sizes.test() > 1 + 1e-12) {
          throw new IllegalArgumentException("split ratios add up to more than 1");
        }
      }
      case "column" -> {
        if (column == null || column.isBlank()) {
          throw new IllegalArgumentException("split method column needs split.column");
        }
      }
      default -> throw new IllegalArgumentException("unknown split method '" + method
          + "'; expected permutation, hash, column or none");
    }
  }

  public static SplitRule none() {
    return new SplitRule("none", new SplitSizes(1, 0, 0), 0, null);
  }

  /** The split of a row from its hash key (method hash). */
  public byte byHash(long key) {
    double u = (mix(mix(seed) ^ key) >>> 11) * 0x1.0p-53;
    if (u < sizes.train()) {
      return TRAIN;
    }
    if (u < sizes.train() + sizes.val()) {
      return VAL;
    }
    return u < sizes.train() + sizes.val() + sizes.test() ? TEST : UNUSED;
  }

  /** The split a column value names (method column); null and other values: unused. */
  public static byte byValue(Object value) {
    if (value instanceof Boolean b) {
      return b ? VAL : TRAIN;
    }
    if (value == null) {
      return UNUSED;
    }
    return switch (value.toString().trim().toLowerCase(java.util.Locale.ROOT)) {
      case "train", "training" -> TRAIN;
      case "val", "validation" -> VAL;
      case "test" -> TEST;
      default -> UNUSED;
    };
  }

  /** SplitMix64's finaliser: a bijection of the 64-bit integers with good avalanche. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
