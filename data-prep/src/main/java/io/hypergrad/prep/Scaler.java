package io.hypergrad.prep;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;

/**
 * A feature scaler, x ↦ (x − shift)/scale per feature, fitted on the training split only and then
 * applied to every split. Kinds: {@code none}; {@code standard} (mean, population std per
 * feature); {@code minmax} (to [0, 1] per feature); {@code standard-global} (one mean and std over
 * all entries, the Mixed-FP reference's 'standard_flat' for pixels). A constant feature keeps
 * scale 1, so it maps to 0 rather than NaN. Sparse rows stay sparse when every shift is 0.
 *
 * @param kind  the config name
 * @param shift per feature
 * @param scale per feature, never 0
 */
public record Scaler(String kind, double[] shift, double[] scale) implements java.io.Serializable {

  public static Scaler fit(String kind, Vector[] rows, int featureCount) {
    double[] shift = new double[featureCount];
    double[] scale = new double[featureCount];
    java.util.Arrays.fill(scale, 1.0);
    int n = rows.length;
    switch (kind) {
      case "none" -> { }
      case "standard" -> {
        double[] sum = new double[featureCount];
        double[] sq = new double[featureCount];
        int[] active = new int[featureCount];
        for (Vector r : rows) {
          forEachActive(r, (j, v) -> {
            sum[j] += v;
            active[j]++;
          });
        }
        for (int j = 0; j < featureCount; j++) {
          shift[j] = sum[j] / n;
        }
        // two passes for accuracy; a sparse row's implicit zeros add (0 − mean)² each
        for (Vector r : rows) {
          forEachActive(r, (j, v) -> {
            sq[j] += (v - shift[j]) * (v - shift[j]);
          });
        }
        for (int j = 0; j < featureCount; j++) {
          double var = (sq[j] + (n - active[j]) * shift[j] * shift[j]) / n;
          scale[j] = var > 0 ? Math.sqrt(var) : 1.0;
        }
      }
      case "minmax" -> {
        double[] min = new double[featureCount];
        double[] max = new double[featureCount];
        java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        int[] active = new int[featureCount];
        for (Vector r : rows) {
          forEachActive(r, (j, v) -> {
            min[j] = Math.min(min[j], v);
            max[j] = Math.max(max[j], v);
            active[j]++;
          });
        }
        for (int j = 0; j < featureCount; j++) {
          if (active[j] < n) { // some rows hold an implicit 0
            min[j] = Math.min(min[j], 0);
            max[j] = Math.max(max[j], 0);
          }
          shift[j] = min[j];
          scale[j] = max[j] > min[j] ? max[j] - min[j] : 1.0;
        }
      }
      case "standard-global" -> {
        double sum = 0;
        for (Vector r : rows) {
          for (int j = 0; j < featureCount; j++) {
            sum += r.apply(j);
          }
        }
        double mean = sum / ((double) n * featureCount);
        double sq = 0;
        for (Vector r : rows) {
          for (int j = 0; j < featureCount; j++) {
            double d = r.apply(j) - mean;
            sq += d * d;
          }
        }
        double std = Math.sqrt(sq / ((double) n * featureCount));
        java.util.Arrays.fill(shift, mean);
        java.util.Arrays.fill(scale, std > 0 ? std : 1.0);
      }
      default -> throw new IllegalArgumentException("unknown scaler '" + kind
          + "'; expected none, standard, minmax or standard-global");
    }
    if (n == 0 && !kind.equals("none")) {
      throw new IllegalArgumentException("cannot fit a " + kind + " scaler on an empty training split");
    }
    return new Scaler(kind, shift, scale);
  }

  public Vector apply(Vector row) {
    if (kind.equals("none")) {
      return row;
    }
    if (row instanceof SparseVector sv && allZero(shift)) {
      int[] idx = sv.indices();
      double[] v = new double[idx.length];
      for (int k = 0; k < idx.length; k++) {
        v[k] = sv.values()[k] / scale[idx[k]];
      }
      return Vectors.sparse(sv.size(), idx.clone(), v);
    }
    double[] v = row instanceof DenseVector dv ? dv.values().clone() : row.toArray();
    for (int j = 0; j < v.length; j++) {
      v[j] = (v[j] - shift[j]) / scale[j];
    }
    return Vectors.dense(v);
  }

  /** For metadata.json. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", kind);
    m.put("shift", shift);
    m.put("scale", scale);
    return m;
  }

  private interface Entry {
    void accept(int j, double v);
  }

  private static void forEachActive(Vector r, Entry e) {
    if (r instanceof SparseVector sv) {
      for (int k = 0; k < sv.indices().length; k++) {
        e.accept(sv.indices()[k], sv.values()[k]);
      }
    } else {
      double[] v = ((DenseVector) r).values();
      for (int j = 0; j < v.length; j++) {
        e.accept(j, v[j]);
      }
    }
  }

  private static boolean allZero(double[] a) {
    for (double v : a) {
      if (v != 0) {
        return false;
      }
    }
    return true;
  }
}
