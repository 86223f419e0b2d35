package io.hypergrad.model;

import io.hypergrad.linalg.Blas;
import java.io.Serializable;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;

/**
 * Dense rows stored as one block for BLAS (MLlib's InstanceBlock idea): an F×n column-major
 * matrix D, row i in {@code data[i·F … i·F + F)}. Full-batch sums over the rows become level-3
 * BLAS: the margins of all rows are Dᵀ·X (one dgemm for the K parameter blocks), and
 * Σᵢ aᵢ ⊗ tᵢ is D·T. Row weights are wᵢ = weights[offset + i]/divisor (1/divisor without weights).
 */
public final class DenseRowBlock implements Serializable {
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

  /** The block of these rows, or null when any row is sparse (those keep the per-row path). */
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

  public int size() {
    return n;
  }

  /** Row i as a vector of its own (a copy), for the per-row code of sampled products. */
  public Vector row(int i) {
    return new DenseVector(java.util.Arrays.copyOfRange(data, i * f, (i + 1) * f));
  }

  /** M = Dᵀ·X, n×K column-major: M[i + c·n] = aᵢᵀx_c. */
  private double[] margins(double[] x, int k) {
    double[] m = new double[n * k];
    if (n > 0) {
      Blas.get().dgemm("T", "N", n, k, f, 1.0, data, f, x, f, 0.0, m, n);
    }
    return m;
  }

  private double coefficient(double[] weights, int offset, int i, double divisor) {
    return (weights == null ? 1.0 : weights[offset + i]) / divisor;
  }

  /** Σᵢ (weights[offset + i] or 1)·ℓᵢ(x), summed in row order. */
  public double weightedLoss(GlmLoss loss, double[] x, double[] weights, int offset) {
    int k = loss.outputs();
    double[] m = margins(x, k);
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += (weights == null ? 1.0 : weights[offset + i]) * loss.lossAtMargins(m, i, n, labels[i]);
    }
    return s;
  }

  /** out += Σᵢ wᵢ·∇ℓᵢ(x), with wᵢ = weight/divisor. */
  public void addGradient(GlmLoss loss, double[] x, double[] weights, int offset, double divisor, double[] out) {
    int k = loss.outputs();
    double[] m = margins(x, k);
    double[] r = new double[n * k];
    for (int i = 0; i < n; i++) {
      loss.residualAtMargins(m, i, n, labels[i], r, i);
      double w = coefficient(weights, offset, i, divisor);
      for (int c = 0; c < k; c++) {
        r[i + c * n] *= w;
      }
    }
    if (n > 0) {
      Blas.get().dgemm("N", "N", f, k, n, 1.0, data, f, r, n, 1.0, out, f);
    }
  }

  /** out[:, v] += Σᵢ wᵢ·∇²ℓᵢ(x)·V[:, v] for the kv vectors of V (p×kv), with wᵢ = weight/divisor. */
  public void addHessianProduct(GlmLoss loss, double[] x, double[] weights, int offset, double divisor, double[] vs, int kv,
      double[] out) {
    int k = loss.outputs();
    int p = k * f;
    double[] m = margins(x, k);
    double[] h = new double[n * k * k];
    double[] one = new double[k * k];
    for (int i = 0; i < n; i++) {
      loss.curvatureAtMargins(m, i, n, labels[i], one);
      double w = coefficient(weights, offset, i, divisor);
      for (int e = 0; e < k * k; e++) {
        h[i * k * k + e] = w * one[e];
      }
    }
    if (n == 0) {
      return;
    }
    double[] s = new double[n * k];
    double[] t = new double[n * k];
    for (int v = 0; v < kv; v++) {
      Blas.get().dgemm("T", "N", n, k, f, 1.0, data, 0, f, vs, v * p, f, 0.0, s, 0, n);
      for (int i = 0; i < n; i++) {
        for (int c = 0; c < k; c++) {
          double acc = 0;
          for (int e = 0; e < k; e++) {
            acc += h[i * k * k + c * k + e] * s[i + e * n];
          }
          t[i + c * n] = acc;
        }
      }
      Blas.get().dgemm("N", "N", f, k, n, 1.0, data, 0, f, t, 0, n, 1.0, out, v * p, f);
    }
  }
}
