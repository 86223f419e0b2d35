package io.hypergrad.prep.table;

import io.hypergrad.prep.DataFormatException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

/**
 * One source partition's good rows after the first pass, in reading order, unscaled, with the split
 * each goes to (when a row alone decides it), and what the pass counted: rows and weights per split,
 * bad rows per reason, the label range, the vector sizes and the non-zeros.
 */
final class SourceBlock implements Serializable {
  private static final long serialVersionUID = 1L;

  final Vector[] features;
  final double[] labels;
  final long[] ids;
  final double[] clean;
  final double[] weights;
  final double[] groups;
  final byte[] split;
  final Summary summary;
  /** Direct mode: each split's rows already as a partition (numbered from 0, ids local); else null. */
  final RowPartition[] direct;

  /** What the driver needs of a block to number rows, count classes and plan the partitions. */
  record Summary(long[] perSplit, double[] weightPerSplit, Map<String, Long> dropped, double labelMin,
      double labelMax, boolean labelsIntegral, int minSize, int maxSize, long nonZeros) implements Serializable {
    static final Summary EMPTY = new Summary(new long[5], new double[5], Map.of(), Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, true, Integer.MAX_VALUE, 0, 0);

    long rows() {
      long n = 0;
      for (long c : perSplit) {
        n += c;
      }
      return n;
    }

    /** Both partitions' counts together (the label and size ranges over the partitions with rows). */
    Summary plus(Summary o) {
      long[] split = perSplit.clone();
      double[] weight = weightPerSplit.clone();
      for (int s = 0; s < split.length; s++) {
        split[s] += o.perSplit[s];
        weight[s] += o.weightPerSplit[s];
      }
      Map<String, Long> bad = new LinkedHashMap<>(dropped);
      o.dropped.forEach((reason, c) -> bad.merge(reason, c, Long::sum));
      if (o.rows() == 0) {
        return new Summary(split, weight, bad, labelMin, labelMax, labelsIntegral, minSize, maxSize, nonZeros);
      }
      return new Summary(split, weight, bad, Math.min(labelMin, o.labelMin), Math.max(labelMax, o.labelMax),
          labelsIntegral && o.labelsIntegral, Math.min(minSize, o.minSize), Math.max(maxSize, o.maxSize),
          nonZeros + o.nonZeros);
    }
  }

  private SourceBlock(Vector[] features, double[] labels, long[] ids, double[] clean, double[] weights, double[] groups,
      byte[] split, Summary summary, RowPartition[] direct) {
    this.groups = groups;
    this.direct = direct;
    this.features = features;
    this.labels = labels;
    this.ids = ids;
    this.clean = clean;
    this.weights = weights;
    this.split = split;
    this.summary = summary;
  }

  int size() {
    return labels.length;
  }

  /**
   * The first pass over one partition's standard columns ({@link TableColumns#standardColumns}): a
   * bad row stops the job ({@code fail}, naming file, row and field) or is counted and left out
   * ({@code drop}); a good row is kept with its split when the rule decides it row by row.
   */
  static SourceBlock read(int partition, Iterator<Row> rows, boolean fail, boolean withId, boolean withSplit,
      boolean withWeight, boolean withGroup, boolean withClean, SplitRule rule, String vectorColumn, boolean direct) {
    List<Vector> f = new ArrayList<>();
    double[] y = new double[16];
    long[] id = withId ? new long[16] : null;
    double[] clean = withClean ? new double[16] : null;
    double[] weight = withWeight ? new double[16] : null;
    double[] group = withGroup ? new double[16] : null;
    byte[] split = new byte[16];
    long[] perSplit = new long[5];
    double[] weightPerSplit = new double[5];
    Map<String, Long> dropped = new LinkedHashMap<>();
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    boolean integral = true;
    int minSize = Integer.MAX_VALUE;
    int maxSize = 0;
    long nonZeros = 0;
    long position = 0;
    while (rows.hasNext()) {
      Row r = rows.next();
      position++;
      String bad = r.getString(0);
      Vector v = bad == null ? (Vector) r.get(3) : null;
      if (bad == null && vectorColumn != null && !finite(v)) {
        bad = vectorColumn + ": not a finite number in the vector";
      }
      if (bad != null) {
        if (fail) {
          throw new DataFormatException(fileOf(r, partition) + ": record " + position + " of source partition "
              + partition + ": " + bad + " (" + describe(r) + "); set data.on_bad_row = drop to leave such rows out");
        }
        dropped.merge(bad.replaceAll(" \\(.*\\)$", ""), 1L, Long::sum);
        continue;
      }
      int k = f.size();
      if (k == y.length) {
        y = java.util.Arrays.copyOf(y, 2 * k);
        split = java.util.Arrays.copyOf(split, 2 * k);
        id = id == null ? null : java.util.Arrays.copyOf(id, 2 * k);
        clean = clean == null ? null : java.util.Arrays.copyOf(clean, 2 * k);
        weight = weight == null ? null : java.util.Arrays.copyOf(weight, 2 * k);
        group = group == null ? null : java.util.Arrays.copyOf(group, 2 * k);
      }
      double label = r.getDouble(2);
      f.add(v);
      y[k] = label;
      int col = 4;
      if (withId) {
        id[k] = r.getLong(col++);
      }
      byte s = switch (rule.method()) {
        case "none" -> SplitRule.TRAIN;
        case "permutation" -> SplitRule.LATER;
        case "column" -> SplitRule.byValue(r.get(col));
        default -> rule.byHash(withId ? id[k] : contentKey(label, v));
      };
      if (withSplit) {
        col++;
      }
      if (withWeight) {
        weight[k] = r.getDouble(col++);
        weightPerSplit[s] += weight[k];
      }
      if (withGroup) {
        group[k] = r.getDouble(col++);
      }
      if (withClean) {
        clean[k] = r.getDouble(col);
      }
      split[k] = s;
      perSplit[s]++;
      min = Math.min(min, label);
      max = Math.max(max, label);
      integral &= label == Math.rint(label);
      minSize = Math.min(minSize, v.size());
      maxSize = Math.max(maxSize, v.size());
      nonZeros += v.numNonzeros();
    }
    int n = f.size();
    Summary summary = new Summary(perSplit, weightPerSplit, dropped, min, max, integral, n == 0 ? 0 : minSize, maxSize, nonZeros);
    if (direct) {
      // the rows go into their split's block now; the cached block holds them once
      RowPartition[] parts = new RowPartition[3];
      for (byte s = 0; s < 3; s++) {
        List<Vector> fs = new ArrayList<>();
        int m = (int) perSplit[s];
        double[] ys = new double[m];
        long[] ids = new long[m];
        double[] cs = clean == null ? null : new double[m];
        double[] ws = weight == null ? null : new double[m];
        double[] gs = group == null ? null : new double[m];
        int at = 0;
        for (int i = 0; i < n; i++) {
          if (split[i] == s) {
            fs.add(storage(f.get(i), vectorColumn != null, summary));
            ys[at] = y[i];
            ids[at] = id != null ? id[i] : i;
            if (cs != null) {
              cs[at] = clean[i];
            }
            if (ws != null) {
              ws[at] = weight[i];
            }
            if (gs != null) {
              gs[at] = group[i];
            }
            at++;
          }
        }
        parts[s] = new RowPartition(0, fs.toArray(Vector[]::new), ys, ws, ids, cs, gs);
      }
      return new SourceBlock(null, null, null, null, null, null, null, summary, parts);
    }
    return new SourceBlock(f.toArray(Vector[]::new), java.util.Arrays.copyOf(y, n), id == null ? null
        : java.util.Arrays.copyOf(id, n), clean == null ? null : java.util.Arrays.copyOf(clean, n),
        weight == null ? null : java.util.Arrays.copyOf(weight, n), group == null ? null : java.util.Arrays.copyOf(group, n),
        java.util.Arrays.copyOf(split, n), summary, null);
  }

  /**
   * How a row is stored: a vector column's rows as they are; assembled scalar columns dense when at
   * least a quarter of the partition's entries are non-zero, else sparse (CSR).
   */
  static Vector storage(Vector v, boolean fromVectorColumn, Summary partition) {
    if (fromVectorColumn) {
      return v;
    }
    return dense(partition) ? v.toDense() : v.toSparse();
  }

  static boolean dense(Summary s) {
    return s.nonZeros() >= 0.25 * s.rows() * s.maxSize();
  }

  /** A row's key for the hash split when the table has no id: its label and feature values. */
  static long contentKey(double label, Vector v) {
    long h = SplitRule.mix(Double.doubleToLongBits(label + 0.0));
    if (v instanceof SparseVector sv) {
      for (int k = 0; k < sv.indices().length; k++) {
        if (sv.values()[k] != 0) {
          h = SplitRule.mix(h ^ sv.indices()[k]) ^ Double.doubleToLongBits(sv.values()[k] + 0.0);
        }
      }
    } else {
      double[] a = ((DenseVector) v).values();
      for (int j = 0; j < a.length; j++) {
        if (a[j] != 0) {
          h = SplitRule.mix(h ^ j) ^ Double.doubleToLongBits(a[j] + 0.0);
        }
      }
    }
    return SplitRule.mix(h);
  }

  private static boolean finite(Vector v) {
    double[] a = v instanceof SparseVector sv ? sv.values() : ((DenseVector) v).values();
    for (double x : a) {
      if (!Double.isFinite(x)) {
        return false;
      }
    }
    return true;
  }

  private static String fileOf(Row r, int partition) {
    String file = r.getString(1);
    return file == null || file.isEmpty() ? "partition " + partition : file;
  }

  private static String describe(Row r) {
    StringBuilder b = new StringBuilder("label ").append(r.get(2));
    for (int c = 4; c < r.size(); c++) {
      b.append(", ").append(r.schema() == null ? "" : r.schema().fieldNames()[c].substring(1) + " ").append(r.get(c));
    }
    return b.toString();
  }
}
