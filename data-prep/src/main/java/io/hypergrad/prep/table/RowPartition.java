package io.hypergrad.prep.table;

import io.hypergrad.model.Intercept;
import io.hypergrad.rows.LocalRows;
import java.io.Serializable;
import org.apache.spark.ml.linalg.Vector;

/**
 * One Spark partition's rows of a split: rows {@code start … start + size − 1} in split order as
 * {@link LocalRows} (one BLAS block, or CSR, with the rows' instance weights when the table has
 * them), with each row's source id and, when label noise was added, its clean label, for per-row
 * outputs. Every sum of a pass is the LocalRows' own, so one
 * partition reproduces the single-machine sums bit for bit.
 */
public final class RowPartition implements Serializable {
  private static final long serialVersionUID = 1L;

  private final LocalRows rows;
  private final long[] ids;
  private final double[] cleanLabels;
  // each row's group (the group column's index or number), or null
  private final double[] groups;

  public RowPartition(int start, Vector[] features, double[] labels) {
    this(start, features, labels, null, null);
  }

  /** With each row's source id and clean label (either may be null). */
  public RowPartition(int start, Vector[] features, double[] labels, long[] ids, double[] cleanLabels) {
    this(start, features, labels, null, ids, cleanLabels);
  }

  /** With each row's instance weight, source id and clean label (any may be null). */
  public RowPartition(int start, Vector[] features, double[] labels, double[] weights, long[] ids, double[] cleanLabels) {
    this(start, features, labels, weights, ids, cleanLabels, null);
  }

  /** With each row's instance weight, source id, clean label and group (any may be null). */
  public RowPartition(int start, Vector[] features, double[] labels, double[] weights, long[] ids, double[] cleanLabels,
      double[] groups) {
    this.rows = LocalRows.range(start, features, labels, weights);
    this.ids = ids == null ? null : ids.clone();
    this.cleanLabels = cleanLabels == null ? null : cleanLabels.clone();
    this.groups = groups == null ? null : groups.clone();
  }

  private RowPartition(LocalRows rows, long[] ids, double[] cleanLabels, double[] groups) {
    this.rows = rows;
    this.ids = ids;
    this.cleanLabels = cleanLabels;
    this.groups = groups;
  }

  /** Row {@code local}'s group, or NaN without a group column. */
  public double group(int local) {
    return groups == null ? Double.NaN : groups[local];
  }

  public boolean hasGroups() {
    return groups != null;
  }

  /** The same rows (the features shared) with their instance weights times {@code factor}. */
  public RowPartition withWeightsScaled(double factor) {
    return new RowPartition(rows.withWeightsScaled(factor), ids, cleanLabels, groups);
  }

  /** The same rows, each with a constant 1 appended (an intercept's feature), in a block of their own. */
  public RowPartition withIntercept() {
    int n = rows.size();
    Vector[] f = new Vector[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      f[i] = Intercept.augment(rows.row(i));
      y[i] = rows.label(i);
    }
    return new RowPartition(LocalRows.range(rows.start(), f, y, rows.block().instanceWeights()), ids, cleanLabels, groups);
  }

  /** Whether the rows carry instance weights. */
  public boolean weighted() {
    return rows.block().instanceWeights() != null;
  }

  /**
   * The same rows, stored once for both, numbered from {@code start}; ids moved by {@code idOffset}
   * (rows whose ids were their position in a source partition get their number in the table).
   */
  public RowPartition startingAt(int start, long idOffset) {
    long[] moved = ids;
    if (idOffset != 0 && ids != null) {
      moved = new long[ids.length];
      for (int i = 0; i < ids.length; i++) {
        moved[i] = ids[i] + idOffset;
      }
    }
    return new RowPartition(rows.startingAt(start), moved, cleanLabels, groups);
  }

  public LocalRows rows() {
    return rows;
  }

  public int start() {
    return rows.start();
  }

  public int size() {
    return rows.size();
  }

  /** The row's source id, or its split index when the source ids were not kept. */
  public long id(int local) {
    return ids != null ? ids[local] : rows.start() + local;
  }

  public double cleanLabel(int local) {
    return cleanLabels[local];
  }

  public boolean hasCleanLabels() {
    return cleanLabels != null;
  }
}
