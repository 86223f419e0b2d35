package io.hypergrad.model;

import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;

/**
 * An unregularised intercept as one more feature: every row gets a constant 1 after its F features,
 * so the GLM's margins aᵢᵀx_c include b_c = x_c[F] with no change to any sum over rows, and {@link
 * GlmBilevelProblem} leaves those coefficients out of the regulariser. Class c's coefficients are
 * x[c·(F+1) … c·(F+1) + F − 1], its intercept x[c·(F+1) + F].
 */
public final class Intercept {
  private Intercept() {}

  /** The row with a constant 1 appended (dense stays dense, sparse stays sparse). */
  public static Vector augment(Vector v) {
    int f = v.size();
    if (v instanceof SparseVector sv) {
      int nnz = sv.indices().length;
      int[] idx = java.util.Arrays.copyOf(sv.indices(), nnz + 1);
      double[] val = java.util.Arrays.copyOf(sv.values(), nnz + 1);
      idx[nnz] = f;
      val[nnz] = 1.0;
      return Vectors.sparse(f + 1, idx, val);
    }
    double[] a = java.util.Arrays.copyOf(((DenseVector) v).values(), f + 1);
    a[f] = 1.0;
    return Vectors.dense(a);
  }

  /** The row without its constant 1: {@link #augment}'s inverse. */
  public static Vector strip(Vector v) {
    if (v instanceof SparseVector sv) {
      int nnz = sv.indices().length - 1; // the constant 1 is the last entry
      return Vectors.sparse(v.size() - 1, java.util.Arrays.copyOf(sv.indices(), nnz),
          java.util.Arrays.copyOf(sv.values(), nnz));
    }
    return Vectors.dense(java.util.Arrays.copyOf(v.toArray(), v.size() - 1));
  }

  /** The k classes' F coefficients of x, class by class, without the intercepts (x itself without them). */
  public static double[] coefficients(double[] x, int k, int f, boolean intercept) {
    int stride = f + (intercept ? 1 : 0);
    double[] w = new double[k * f];
    for (int c = 0; c < k; c++) {
      System.arraycopy(x, c * stride, w, c * f, f);
    }
    return w;
  }

  /** The k classes' intercepts in x (zeros without an intercept). */
  public static double[] intercepts(double[] x, int k, int f, boolean intercept) {
    double[] b = new double[k];
    if (intercept) {
      for (int c = 0; c < k; c++) {
        b[c] = x[c * (f + 1) + f];
      }
    }
    return b;
  }

  /** The rows with a constant 1 appended to each. */
  public static LabeledRows augment(LabeledRows rows) {
    Vector[] f = new Vector[rows.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = augment(rows.features()[i]);
    }
    return new LabeledRows(f, rows.labels(), rows.weights(), rows.featureCount() + 1);
  }
}
