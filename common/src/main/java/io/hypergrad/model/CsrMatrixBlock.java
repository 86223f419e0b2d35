package io.hypergrad.model;

import java.util.Arrays;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;

/**
 * Sparse rows in CSR form (row i's entries at {@code [indptr[i], indptr[i+1])}), for LIBSVM-style
 * data such as IJCNN1: every product runs over each row's nonzeros only.
 */
final class CsrMatrixBlock implements BlockMatrix {
  private static final long serialVersionUID = 1L;

  private final int f;
  private final int[] indptr;
  private final int[] indices;
  private final double[] values;

  private CsrMatrixBlock(int f, int[] indptr, int[] indices, double[] values) {
    this.f = f;
    this.indptr = indptr;
    this.indices = indices;
    this.values = values;
  }

  static CsrMatrixBlock of(Vector[] rows, int featureCount) {
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
      System.arraycopy(sparse[i].indices(), 0, indices, indptr[i], sparse[i].indices().length);
      System.arraycopy(sparse[i].values(), 0, values, indptr[i], sparse[i].values().length);
    }
    return new CsrMatrixBlock(featureCount, indptr, indices, values);
  }

  @Override
  public int features() {
    return f;
  }

  @Override
  public double dot(int i, double[] z, int offset) {
    double s = 0;
    for (int e = indptr[i]; e < indptr[i + 1]; e++) {
      s += values[e] * z[offset + indices[e]];
    }
    return s;
  }

  @Override
  public void axpy(int i, double a, double[] out, int offset) {
    for (int e = indptr[i]; e < indptr[i + 1]; e++) {
      out[offset + indices[e]] += a * values[e];
    }
  }

  @Override
  public Vector row(int i) {
    return Vectors.sparse(f, Arrays.copyOfRange(indices, indptr[i], indptr[i + 1]),
        Arrays.copyOfRange(values, indptr[i], indptr[i + 1]));
  }

  @Override
  public boolean chunkedHessian() {
    return false;
  }
}
