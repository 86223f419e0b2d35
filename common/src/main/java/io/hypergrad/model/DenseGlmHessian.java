package io.hypergrad.model;

import io.hypergrad.linalg.Blas;
import org.apache.spark.ml.linalg.Vector;

/**
 * The loss part of a GLM's dense Hessian, Σᵢ wᵢ·(aᵢaᵢᵀ ⊗ Hᵢ) with Hᵢ the row's K×K curvature: block
 * (c, e) is Xᵀ·diag(wᵢHᵢ[c,e])·X, one BLAS dgemm per block pair, instead of p matrix-free
 * products. Used for {@code exact} on one machine and per partition on the cluster.
 */
public final class DenseGlmHessian {
  private DenseGlmHessian() {}

  /**
   * @param weights wᵢ for the rows given (the row weight over the divisor of the mean)
   * @return the p×p matrix (column-major, p = K·F)
   */
  public static double[] of(GlmLoss loss, Vector[] rows, double[] labels, double[] weights, int featureCount, double[] x) {
    int n = rows.length;
    int f = featureCount;
    int k = loss.outputs();
    int p = k * f;
    double[] xm = new double[n * f];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < f; j++) {
        xm[j * n + i] = rows[i].apply(j);
      }
    }
    double[] h = new double[n * k * k];
    double[] one = new double[k * k];
    for (int i = 0; i < n; i++) {
      loss.curvature(rows[i], labels[i], x, one);
      for (int m = 0; m < k * k; m++) {
        h[i * k * k + m] = weights[i] * one[m];
      }
    }
    double[] result = new double[p * p];
    double[] scaled = new double[n * f];
    double[] block = new double[f * f];
    for (int c = 0; c < k; c++) {
      for (int e = c; e < k; e++) {
        for (int j = 0; j < f; j++) {
          for (int i = 0; i < n; i++) {
            scaled[j * n + i] = h[i * k * k + c * k + e] * xm[j * n + i];
          }
        }
        if (n > 0) {
          Blas.get().dgemm("T", "N", f, f, n, 1.0, xm, n, scaled, n, 0.0, block, f);
        }
        for (int col = 0; col < f; col++) {
          for (int row = 0; row < f; row++) {
            double v = block[col * f + row];
            result[(e * f + col) * p + c * f + row] = v;
            result[(c * f + row) * p + e * f + col] = v;
          }
        }
      }
    }
    return result;
  }

  /** result (p×p) += the dense Hessian of the hyper-model's regulariser and the model's ridge ρ_m·I. */
  public static double[] addRegularizer(HyperModel hyper, double modelRidge, double[] result) {
    return addColumns((j, unit, column) -> {
      hyper.addRegularizerHessianProduct(unit, 1, column);
      column[j] += modelRidge;
    }, result);
  }

  /** Column j of a p×p matrix: column += M·unit, unit = e_j. */
  public interface Column {
    void add(int j, double[] unit, double[] column);
  }

  /** result (p×p, column-major) += M, M given by its products with the unit vectors (a regulariser's, here). */
  public static double[] addColumns(Column m, double[] result) {
    int p = (int) Math.round(Math.sqrt(result.length));
    double[] unit = new double[p];
    double[] column = new double[p];
    for (int j = 0; j < p; j++) {
      unit[j] = 1;
      java.util.Arrays.fill(column, 0);
      m.add(j, unit, column);
      unit[j] = 0;
      for (int r = 0; r < p; r++) {
        result[j * p + r] += column[r];
      }
    }
    return result;
  }
}
