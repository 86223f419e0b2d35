package io.hypergrad.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The low-rank inverse against a dense Cholesky of the same A = D + XᵀX/n. */
class LowRankInverseTest {
  private static final int P = 60;

  /** A = diag(d) + XᵀX/n for n rows whose column j is scaled by decay^j (a decaying spectrum). */
  private static double[] matrix(double[] d, int rows, double decay, long seed) {
    Random random = new Random(seed);
    double[] x = new double[rows * P];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < P; j++) {
        x[i * P + j] = random.nextGaussian() * Math.pow(decay, j);
      }
    }
    double[] a = new double[P * P];
    for (int i = 0; i < rows; i++) {
      for (int r = 0; r < P; r++) {
        for (int c = 0; c < P; c++) {
          a[c * P + r] += x[i * P + r] * x[i * P + c] / rows;
        }
      }
    }
    for (int j = 0; j < P; j++) {
      a[j * P + j] += d[j];
    }
    return a;
  }

  private static LowRankInverse.BlockOperator operator(double[] a) {
    return (vs, k, out) -> Blas.get().dgemm("N", "N", P, k, P, 1.0, a, P, vs, P, 0.0, out, P);
  }

  private static double[] diagonal(long seed) {
    Random random = new Random(seed);
    double[] d = new double[P];
    for (int j = 0; j < P; j++) {
      d[j] = 0.01 + 0.1 * random.nextDouble();
    }
    return d;
  }

  private static double[] vector(Random random) {
    double[] g = new double[P];
    for (int j = 0; j < P; j++) {
      g[j] = random.nextGaussian();
    }
    return g;
  }

  /** The largest relative error of the form over 50 random vectors. */
  private static double worstError(double[] a, LowRankInverse approx) {
    DenseCholesky exact = DenseCholesky.factor(a, P);
    Random random = new Random(9);
    double worst = 0;
    for (int t = 0; t < 50; t++) {
      double[] g = vector(random);
      double e = exact.inverseQuadraticForm(g);
      worst = Math.max(worst, Math.abs(approx.inverseQuadraticForm(g) - e) / e);
    }
    return worst;
  }

  @Test
  void fullRankIsExact() {
    double[] d = diagonal(1);
    double[] a = matrix(d, 200, 0.95, 2);
    // k = p: Q spans everything, so S = UΘUᵀ exactly; rounding in QR, dsyev and two dgemms only
    assertTrue(worstError(a, LowRankInverse.of(operator(a), d, P, 1, 3)) < 1e-10);
    assertEquals(P, LowRankInverse.of(operator(a), d, 500, 0, 3).rank());
  }

  @Test
  void exactWhenTheDataCurvatureHasLowRank() {
    double[] d = diagonal(4);
    // 8 rows: H = XᵀX/n has rank 8 ≤ k, so the subspace holds all of it and the rest of S is I
    double[] a = matrix(d, 8, 1.0, 5);
    assertTrue(worstError(a, LowRankInverse.of(operator(a), d, 12, 1, 6)) < 1e-9);
  }

  @Test
  void errorFallsWithRankOnADecayingSpectrum() {
    double[] d = diagonal(7);
    double[] a = matrix(d, 300, 0.85, 8);
    double e5 = worstError(a, LowRankInverse.of(operator(a), d, 5, 2, 9));
    double e15 = worstError(a, LowRankInverse.of(operator(a), d, 15, 2, 9));
    double e30 = worstError(a, LowRankInverse.of(operator(a), d, 30, 2, 9));
    assertTrue(e15 < e5 && e30 < e15, e5 + " " + e15 + " " + e30);
    assertTrue(e30 < 1e-3, "rank 30 of 60 on a spectrum falling by 0.85² a column: " + e30);
  }

  @Test
  void refusesANonPositiveDiagonal() {
    double[] d = diagonal(1);
    d[3] = 0;
    double[] a = matrix(diagonal(1), 20, 1.0, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LowRankInverse.of(operator(a), d, 4, 1, 1));
    assertTrue(e.getMessage().contains("entry 3"), e.getMessage());
  }
}
