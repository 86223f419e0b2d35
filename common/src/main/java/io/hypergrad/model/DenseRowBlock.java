package io.hypergrad.model;

import io.hypergrad.linalg.Blas;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;

/**
 * Dense rows stored as one block for BLAS (MLlib's InstanceBlock idea): an F×n column-major
 * matrix D, row i in {@code data[i·F … i·F + F)}. Full-batch sums over the rows become level-3
 * BLAS: the margins of all rows are Dᵀ·X (one dgemm for the K parameter blocks), and
 * Σᵢ aᵢ ⊗ tᵢ is D·T. Row weights are wᵢ = weights[offset + i]/divisor (1/divisor without weights).
 */
public final class DenseRowBlock implements RowBlock {
  private static final long serialVersionUID = 1L;

  private final int n;
  private final int f;
  private final double[] data;
  private final double[] labels;

  private DenseRowBlock(int n, int f, double[] data, double[] labels) {
    this.n = n;
    this.f = f;
    this.data = data;
    this.labels = labels;
  }

  /** The block of these rows, or null when any row is sparse. */
  public static DenseRowBlock of(Vector[] rows, double[] labels, int featureCount) {
    double[] data = new double[rows.length * featureCount];
    for (int i = 0; i < rows.length; i++) {
      if (!(rows[i] instanceof DenseVector dv)) {
        return null;
      }
      System.arraycopy(dv.values(), 0, data, i * featureCount, featureCount);
    }
    return new DenseRowBlock(rows.length, featureCount, data, labels.clone());
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
    return new DenseVector(java.util.Arrays.copyOfRange(data, i * f, (i + 1) * f));
  }

  /**
   * Rows per chunk: the sums run chunk by chunk so that a chunk (≈256 KB) stays in cache across
   * the two or three BLAS calls that read it, and the block is read from memory once per pass.
   */
  private int chunkRows() {
    return Math.max(1, (1 << 20) / (8 * Math.max(1, f)));
  }

  /**
   * Margins of rows [from, from + len): M = D_chunkᵀ·X, len×K column-major. One gemv for K = 1;
   * for K > 1 a ddot per row and class, which VectorBLAS runs faster than a thin dgemm here.
   */
  private double[] margins(int from, int len, double[] x, int k) {
    double[] m = new double[len * k];
    if (k == 1) {
      Blas.get().dgemv("T", f, len, 1.0, data, from * f, f, x, 0, 1, 0.0, m, 0, 1);
    } else {
      for (int i = 0; i < len; i++) {
        for (int c = 0; c < k; c++) {
          m[i + c * len] = Blas.get().ddot(f, data, (from + i) * f, 1, x, c * f, 1);
        }
      }
    }
    return m;
  }

  /** aᵢᵀx_c for every row, n×K column-major (M[i + c·n]). */
  public double[] margins(double[] x, int k) {
    return margins(0, n, x, k);
  }

  private static double coefficient(double[] weights, int offset, int i, double divisor) {
    return (weights == null ? 1.0 : weights[offset + i]) / divisor;
  }

  /** Σᵢ (weights[offset + i] or 1)·ℓᵢ(x), summed in row order. */
  @Override
  public double weightedLoss(GlmLoss loss, double[] x, double[] weights, int offset) {
    int k = loss.outputs();
    double s = 0;
    for (int from = 0; from < n; from += chunkRows()) {
      int len = Math.min(chunkRows(), n - from);
      double[] m = margins(from, len, x, k);
      for (int i = 0; i < len; i++) {
        s += (weights == null ? 1.0 : weights[offset + from + i]) * loss.lossAtMargins(m, i, len, labels[from + i]);
      }
    }
    return s;
  }

  @Override
  public double[] lossAndCorrect(GlmLoss loss, double[] x) {
    int k = loss.outputs();
    boolean classifies = loss.classifies();
    double s = 0;
    double correct = 0;
    for (int from = 0; from < n; from += chunkRows()) {
      int len = Math.min(chunkRows(), n - from);
      double[] m = margins(from, len, x, k);
      for (int i = 0; i < len; i++) {
        s += loss.lossAtMargins(m, i, len, labels[from + i]);
        if (classifies && loss.correctAtMargins(m, i, len, labels[from + i])) {
          correct++;
        }
      }
    }
    return new double[] {s, correct};
  }

  @Override
  public void rowLossesAndGradientDots(GlmLoss loss, double[] x, double[] s, double[] losses, double[] dots) {
    int k = loss.outputs();
    for (int from = 0; from < n; from += chunkRows()) {
      int len = Math.min(chunkRows(), n - from);
      double[] m = margins(from, len, x, k);
      double[] ms = margins(from, len, s, k);
      double[] r = new double[len * k];
      for (int i = 0; i < len; i++) {
        losses[from + i] = loss.lossAtMargins(m, i, len, labels[from + i]);
        loss.residualAtMargins(m, i, len, labels[from + i], r, i);
        double dot = 0;
        for (int c = 0; c < k; c++) {
          dot += r[i + c * len] * ms[i + c * len];
        }
        dots[from + i] = dot;
      }
    }
  }

  /** out += Σᵢ wᵢ·∇ℓᵢ(x), with wᵢ = weight/divisor. */
  @Override
  public void addGradient(GlmLoss loss, double[] x, double[] weights, int offset, double divisor, double[] out) {
    int k = loss.outputs();
    for (int from = 0; from < n; from += chunkRows()) {
      int len = Math.min(chunkRows(), n - from);
      double[] m = margins(from, len, x, k);
      double[] r = new double[len * k];
      for (int i = 0; i < len; i++) {
        loss.residualAtMargins(m, i, len, labels[from + i], r, i);
        double w = coefficient(weights, offset, from + i, divisor);
        for (int c = 0; c < k; c++) {
          r[i + c * len] *= w;
        }
      }
      accumulate(from, len, r, k, out, 0);
    }
  }

  /** out[outAt …] (F×K) += D_chunk·T (T len×K column-major): one gemv for K = 1, else a daxpy per row and class. */
  private void accumulate(int from, int len, double[] t, int k, double[] out, int outAt) {
    if (k == 1) {
      Blas.get().dgemv("N", f, len, 1.0, data, from * f, f, t, 0, 1, 1.0, out, outAt, 1);
    } else {
      for (int i = 0; i < len; i++) {
        for (int c = 0; c < k; c++) {
          double a = t[i + c * len];
          if (a != 0) {
            Blas.get().daxpy(f, a, data, (from + i) * f, 1, out, outAt + c * f, 1);
          }
        }
      }
    }
  }

  /** out[:, v] += Σᵢ wᵢ·∇²ℓᵢ(x)·V[:, v] for the kv vectors of V (p×kv), with wᵢ = weight/divisor. */
  @Override
  public void addHessianProduct(GlmLoss loss, double[] x, double[] weights, int offset, double divisor, double[] vs, int kv,
      double[] out) {
    int k = loss.outputs();
    int p = k * f;
    double[] one = new double[k * k];
    if (k > 1) {
      addHessianProductByRow(loss, x, weights, offset, divisor, vs, kv, out);
      return;
    }
    for (int from = 0; from < n; from += chunkRows()) {
      int len = Math.min(chunkRows(), n - from);
      double[] m = margins(from, len, x, k);
      double[] h = new double[len * k * k];
      for (int i = 0; i < len; i++) {
        loss.curvatureAtMargins(m, i, len, labels[from + i], one);
        double w = coefficient(weights, offset, from + i, divisor);
        for (int e = 0; e < k * k; e++) {
          h[i * k * k + e] = w * one[e];
        }
      }
      double[] s = new double[len * k];
      double[] t = new double[len * k];
      for (int v = 0; v < kv; v++) {
        double[] vec = kv == 1 ? vs : java.util.Arrays.copyOfRange(vs, v * p, (v + 1) * p);
        double[] sv = margins(from, len, vec, k);
        System.arraycopy(sv, 0, s, 0, s.length);
        for (int i = 0; i < len; i++) {
          for (int c = 0; c < k; c++) {
            double acc = 0;
            for (int e = 0; e < k; e++) {
              acc += h[i * k * k + c * k + e] * s[i + e * len];
            }
            t[i + c * len] = acc;
          }
        }
        accumulate(from, len, t, k, out, v * p);
      }
    }
  }

  /**
   * K > 1: row by row, all of a row's 3K level-1 calls while it sits in L1 (faster here than
   * chunked level-3 calls, whose shapes are thin).
   */
  private void addHessianProductByRow(GlmLoss loss, double[] x, double[] weights, int offset, double divisor, double[] vs,
      int kv, double[] out) {
    int k = loss.outputs();
    int p = k * f;
    double[] m = new double[k];
    double[] h = new double[k * k];
    double[] sv = new double[k];
    for (int i = 0; i < n; i++) {
      int row = i * f;
      for (int c = 0; c < k; c++) {
        m[c] = Blas.get().ddot(f, data, row, 1, x, c * f, 1);
      }
      loss.curvatureAtMargins(m, 0, 1, labels[i], h);
      double w = coefficient(weights, offset, i, divisor);
      for (int v = 0; v < kv; v++) {
        for (int e = 0; e < k; e++) {
          sv[e] = Blas.get().ddot(f, data, row, 1, vs, v * p + e * f, 1);
        }
        for (int c = 0; c < k; c++) {
          double acc = 0;
          for (int e = 0; e < k; e++) {
            acc += h[c * k + e] * sv[e];
          }
          if (acc != 0) {
            Blas.get().daxpy(f, w * acc, data, row, 1, out, v * p + c * f, 1);
          }
        }
      }
    }
  }
}
