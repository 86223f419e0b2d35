package io.hypergrad.model;

import io.hypergrad.linalg.Blas;
import java.util.Arrays;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;

/**
 * Dense rows as one F×n column-major matrix D, row i in {@code data[i·F … i·F + F)} (MLlib's
 * InstanceBlock idea): the margins of a chunk are Dᵀ·X and Σᵢ aᵢ ⊗ tᵢ is D·T, one gemv for K = 1;
 * for K > 1 a ddot or daxpy per row and class, which VectorBLAS runs faster than a thin dgemm here.
 */
final class DenseMatrixBlock implements BlockMatrix {
  private static final long serialVersionUID = 1L;

  private final int f;
  private final double[] data;

  private DenseMatrixBlock(int f, double[] data) {
    this.f = f;
    this.data = data;
  }

  /** The matrix of these rows, or null when any row is sparse. */
  static DenseMatrixBlock of(Vector[] rows, int featureCount) {
    double[] data = new double[rows.length * featureCount];
    for (int i = 0; i < rows.length; i++) {
      if (!(rows[i] instanceof DenseVector dv)) {
        return null;
      }
      System.arraycopy(dv.values(), 0, data, i * featureCount, featureCount);
    }
    return new DenseMatrixBlock(featureCount, data);
  }

  @Override
  public int features() {
    return f;
  }

  @Override
  public double dot(int i, double[] z, int offset) {
    return Blas.get().ddot(f, data, i * f, 1, z, offset, 1);
  }

  @Override
  public void axpy(int i, double a, double[] out, int offset) {
    Blas.get().daxpy(f, a, data, i * f, 1, out, offset, 1);
  }

  /** One dgemm: the chunk's rows (row-major, so Dᵀ to BLAS) times V. */
  @Override
  public double[] products(int from, int len, double[] vs, int k) {
    double[] m = new double[len * k];
    Blas.get().dgemm("T", "N", len, k, f, 1.0, data, from * f, f, vs, 0, f, 0.0, m, 0, len);
    return m;
  }

  /** One dgemm: out += (the chunk's rows)ᵀ·T. */
  @Override
  public void accumulateMany(int from, int len, double[] t, int k, double[] out) {
    Blas.get().dgemm("N", "N", f, k, len, 1.0, data, from * f, f, t, 0, len, 1.0, out, 0, f);
  }

  /** One gemv for K = 1 (Dᵀ·x over the chunk). */
  @Override
  public double[] margins(int from, int len, double[] x, int k) {
    if (k != 1) {
      return BlockMatrix.super.margins(from, len, x, k);
    }
    double[] m = new double[len];
    Blas.get().dgemv("T", f, len, 1.0, data, from * f, f, x, 0, 1, 0.0, m, 0, 1);
    return m;
  }

  /** One gemv for K = 1 (out += D·t over the chunk). */
  @Override
  public void accumulate(int from, int len, double[] t, int k, double[] out, int outAt) {
    if (k != 1) {
      BlockMatrix.super.accumulate(from, len, t, k, out, outAt);
      return;
    }
    Blas.get().dgemv("N", f, len, 1.0, data, from * f, f, t, 0, 1, 1.0, out, outAt, 1);
  }

  @Override
  public Vector row(int i) {
    return new DenseVector(Arrays.copyOfRange(data, i * f, (i + 1) * f));
  }

  @Override
  public boolean chunkedHessian() {
    return true;
  }
}
