package io.hypergrad.model;

import io.hypergrad.linalg.Blas;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;

/** The two row operations a GLM needs, for dense and sparse ml.linalg rows alike. */
public final class Rows {
  /** From this row length on, dense rows go through MLlib's (vectorised) BLAS; below it the call costs more than it saves. */
  static final int BLAS_MIN_LENGTH = 64;

  private Rows() {}

  /** aᵀ·x[offset, offset + a.size()). */
  public static double dot(Vector a, double[] x, int offset) {
    if (a instanceof DenseVector dv) {
      double[] v = dv.values();
      if (v.length >= BLAS_MIN_LENGTH) {
        return Blas.get().ddot(v.length, v, 0, 1, x, offset, 1);
      }
      double s = 0;
      for (int j = 0; j < v.length; j++) {
        s += v[j] * x[offset + j];
      }
      return s;
    }
    SparseVector sv = (SparseVector) a;
    int[] idx = sv.indices();
    double[] v = sv.values();
    double s = 0;
    for (int j = 0; j < idx.length; j++) {
      s += v[j] * x[offset + idx[j]];
    }
    return s;
  }

  /** out[offset, offset + a.size()) += s·a. */
  public static void axpy(double s, Vector a, double[] out, int offset) {
    if (s == 0) {
      return;
    }
    if (a instanceof DenseVector dv) {
      double[] v = dv.values();
      if (v.length >= BLAS_MIN_LENGTH) {
        Blas.get().daxpy(v.length, s, v, 0, 1, out, offset, 1);
        return;
      }
      for (int j = 0; j < v.length; j++) {
        out[offset + j] += s * v[j];
      }
      return;
    }
    SparseVector sv = (SparseVector) a;
    int[] idx = sv.indices();
    double[] v = sv.values();
    for (int j = 0; j < idx.length; j++) {
      out[offset + idx[j]] += s * v[j];
    }
  }
}
