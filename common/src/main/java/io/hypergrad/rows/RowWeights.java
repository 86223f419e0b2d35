package io.hypergrad.rows;

import java.io.Serializable;

/**
 * Per-row weights wᵢ of a split, indexed by the row's index in the split, as a {@link RowSource}'s
 * sums read them: the array itself for rows in this JVM, a broadcast for rows on the executors.
 * A null handle means every weight is 1 (regularising hyper-models), so nothing of size n is built.
 */
public interface RowWeights extends Serializable {

  double[] values();

  /** Frees what the handle holds (a broadcast); nothing by default. */
  default void release() {}

  /** The handle of an array held here. */
  static RowWeights local(double[] values) {
    return values == null ? null : new Local(values);
  }

  /** w[i], or 1 without weights. */
  static double at(double[] w, int i) {
    return w == null ? 1.0 : w[i];
  }

  /** The values behind a handle, or null (every weight 1). */
  static double[] valuesOf(RowWeights w) {
    return w == null ? null : w.values();
  }

  /** Weights held in this JVM. */
  record Local(double[] values) implements RowWeights {}
}
