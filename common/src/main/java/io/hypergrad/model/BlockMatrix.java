package io.hypergrad.model;

import java.io.Serializable;
import org.apache.spark.ml.linalg.Vector;

/**
 * The features of a block of rows as one matrix, dense ({@link DenseMatrixBlock}, BLAS) or CSR
 * ({@link CsrMatrixBlock}): the few products a {@link RowBlock}'s sums are made of. Vectors x, V
 * keep the class-block layout (class c's coefficient of feature j at c·F + j).
 */
interface BlockMatrix extends Serializable {
  int features();

  /** aᵢᵀ·z[offset, offset + F). */
  double dot(int i, double[] z, int offset);

  /** out[offset, offset + F) += a·aᵢ. */
  void axpy(int i, double a, double[] out, int offset);

  /** Margins of rows [from, from + len): M[i + c·len] = a_{from+i}ᵀx_c, len×K column-major; a dot per row and class. */
  /**
   * aᵢᵀv_j for rows from … from + len − 1 and the k vectors of V (F×k, column-major), len×k
   * column-major: the margins of many vectors at once (a dense block does it in one dgemm; the
   * margins of a fitted model keep {@link #margins}, whose order of sums the results depend on).
   */
  default double[] products(int from, int len, double[] vs, int k) {
    return margins(from, len, vs, k);
  }

  /** out (F×k, column-major) += Σᵢ aᵢ·t[i + v·len] for each of k vectors: {@link #products}' transpose. */
  default void accumulateMany(int from, int len, double[] t, int k, double[] out) {
    double[] one = new double[len];
    for (int v = 0; v < k; v++) {
      System.arraycopy(t, v * len, one, 0, len);
      accumulate(from, len, one, 1, out, v * features());
    }
  }

  default double[] margins(int from, int len, double[] x, int k) {
    double[] m = new double[len * k];
    for (int i = 0; i < len; i++) {
      for (int c = 0; c < k; c++) {
        m[i + c * len] = dot(from + i, x, c * features());
      }
    }
    return m;
  }

  /** out[outAt + c·F …] += Σᵢ T[i + c·len]·a_{from+i} for T len×K column-major; an axpy per nonzero T entry. */
  default void accumulate(int from, int len, double[] t, int k, double[] out, int outAt) {
    for (int i = 0; i < len; i++) {
      for (int c = 0; c < k; c++) {
        double a = t[i + c * len];
        if (a != 0) {
          axpy(from + i, a, out, outAt + c * features());
        }
      }
    }
  }

  /** Row i as a vector of its own. */
  Vector row(int i);

  /** Whether the K = 1 Hessian product runs chunk by chunk through level-2 BLAS (dense) rather than row by row. */
  boolean chunkedHessian();

  /**
   * Rows per chunk: the sums run chunk by chunk so that a chunk (≈256 KB of dense values) stays in
   * cache across the calls that read it, and the block is read from memory once per pass.
   */
  default int chunkRows() {
    return Math.max(1, (1 << 20) / (8 * Math.max(1, features())));
  }
}
