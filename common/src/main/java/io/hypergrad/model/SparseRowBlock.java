package io.hypergrad.model;

import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;

/**
 * Sparse rows in CSR form (row i's entries at {@code [indptr[i], indptr[i+1])}), for LIBSVM-style
 * data such as IJCNN1. The sums run row by row over each row's nonzeros only; x and V keep the
 * class-block layout (class c's coefficient of feature j at c·F + j).
 */
public final class SparseRowBlock implements RowBlock {
  private static final long serialVersionUID = 1L;

  private final int n;
  private final int f;
  private final int[] indptr;
  private final int[] indices;
  private final double[] values;
  private final double[] labels;

  private SparseRowBlock(int n, int f, int[] indptr, int[] indices, double[] values, double[] labels) {
    this.n = n;
    this.f = f;
    this.indptr = indptr;
    this.indices = indices;
    this.values = values;
    this.labels = labels;
  }

  public static SparseRowBlock of(Vector[] rows, double[] labels, int featureCount) {
    int[] indptr = new int[rows.length + 1];
    // toSparse drops stored zeros, which numActives would count (LIBSVM files may write "j:0")
    SparseVector[] sparse = new SparseVector[rows.length];
    int nnz = 0;
    for (int i = 0; i < rows.length; i++) {
      sparse[i] = rows[i].toSparse();
      nnz += sparse[i].indices().length;
      indptr[i + 1] = nnz;
    }
    int[] indices = new int[nnz];
    double[] values = new double[nnz];
    for (int i = 0; i < rows.length; i++) {
      SparseVector sv = sparse[i];
      System.arraycopy(sv.indices(), 0, indices, indptr[i], sv.indices().length);
      System.arraycopy(sv.values(), 0, values, indptr[i], sv.values().length);
    }
    return new SparseRowBlock(rows.length, featureCount, indptr, indices, values, labels.clone());
  }

  @Override
  public int size() {
    return n;
  }

  @Override
  public double label(int i) {
    return labels[i];
  }

  @Override
  public Vector row(int i) {
    return Vectors.sparse(f, java.util.Arrays.copyOfRange(indices, indptr[i], indptr[i + 1]),
        java.util.Arrays.copyOfRange(values, indptr[i], indptr[i + 1]));
  }

  /** aᵢᵀ·z[offset, offset + F). */
  private double dot(int i, double[] z, int offset) {
    double s = 0;
    for (int e = indptr[i]; e < indptr[i + 1]; e++) {
      s += values[e] * z[offset + indices[e]];
    }
    return s;
  }

  /** out[offset, offset + F) += a·aᵢ. */
  private void axpy(int i, double a, double[] out, int offset) {
    for (int e = indptr[i]; e < indptr[i + 1]; e++) {
      out[offset + indices[e]] += a * values[e];
    }
  }

  private void margins(int i, double[] x, int k, double[] m) {
    for (int c = 0; c < k; c++) {
      m[c] = dot(i, x, c * f);
    }
  }

  private static double coefficient(double[] weights, int offset, int i, double divisor) {
    return (weights == null ? 1.0 : weights[offset + i]) / divisor;
  }

  @Override
  public double[] lossAndCorrect(GlmLoss loss, double[] x) {
    int k = loss.outputs();
    boolean classifies = loss.classifies();
    double[] m = new double[k];
    double s = 0;
    double correct = 0;
    for (int i = 0; i < n; i++) {
      margins(i, x, k, m);
      s += loss.lossAtMargins(m, 0, 1, labels[i]);
      if (classifies && loss.correctAtMargins(m, 0, 1, labels[i])) {
        correct++;
      }
    }
    return new double[] {s, correct};
  }

  @Override
  public void rowLossesAndGradientDots(GlmLoss loss, double[] x, double[] s, double[] losses, double[] dots) {
    int k = loss.outputs();
    double[] m = new double[k];
    double[] r = new double[k];
    for (int i = 0; i < n; i++) {
      margins(i, x, k, m);
      losses[i] = loss.lossAtMargins(m, 0, 1, labels[i]);
      loss.residualAtMargins(m, 0, 1, labels[i], r, 0);
      double dot = 0;
      for (int c = 0; c < k; c++) {
        if (r[c] != 0) {
          dot += r[c] * dot(i, s, c * f);
        }
      }
      dots[i] = dot;
    }
  }

  @Override
  public double weightedLoss(GlmLoss loss, double[] x, double[] weights, int offset) {
    int k = loss.outputs();
    double[] m = new double[k];
    double s = 0;
    for (int i = 0; i < n; i++) {
      margins(i, x, k, m);
      s += (weights == null ? 1.0 : weights[offset + i]) * loss.lossAtMargins(m, 0, 1, labels[i]);
    }
    return s;
  }

  @Override
  public void addGradient(GlmLoss loss, double[] x, double[] weights, int offset, double divisor, double[] out) {
    int k = loss.outputs();
    double[] m = new double[k];
    double[] r = new double[k];
    for (int i = 0; i < n; i++) {
      margins(i, x, k, m);
      loss.residualAtMargins(m, 0, 1, labels[i], r, 0);
      double w = coefficient(weights, offset, i, divisor);
      for (int c = 0; c < k; c++) {
        if (r[c] != 0) {
          axpy(i, w * r[c], out, c * f);
        }
      }
    }
  }

  @Override
  public void addHessianProduct(GlmLoss loss, double[] x, double[] weights, int offset, double divisor, double[] vs, int kv,
      double[] out) {
    int k = loss.outputs();
    int p = k * f;
    double[] m = new double[k];
    double[] h = new double[k * k];
    double[] sv = new double[k];
    for (int i = 0; i < n; i++) {
      margins(i, x, k, m);
      loss.curvatureAtMargins(m, 0, 1, labels[i], h);
      double w = coefficient(weights, offset, i, divisor);
      for (int v = 0; v < kv; v++) {
        for (int e = 0; e < k; e++) {
          sv[e] = dot(i, vs, v * p + e * f);
        }
        for (int c = 0; c < k; c++) {
          double acc = 0;
          for (int e = 0; e < k; e++) {
            acc += h[c * k + e] * sv[e];
          }
          if (acc != 0) {
            axpy(i, w * acc, out, v * p + c * f);
          }
        }
      }
    }
  }
}
