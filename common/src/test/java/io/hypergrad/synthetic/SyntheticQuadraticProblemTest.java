package io.hypergrad.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SyntheticQuadraticProblemTest {
  private static final int P = 8;
  private final SyntheticQuadraticProblem sys = SyntheticQuadraticProblem.generate(P, 30, 0.05, 3);

  @Test
  void poolMembersHaveTheDrawnSpectrum() {
    for (int i = 0; i < 30; i++) {
      double[] a = sys.poolMember(i);
      double[] e = sys.eigenvalues(i);
      double trace = 0;
      double frob = 0;
      for (int r = 0; r < P; r++) {
        trace += a[r + r * P];
        for (int c = 0; c < P; c++) {
          assertEquals(a[r + c * P], a[c + r * P], 0.0, "symmetry");
          frob += a[r + c * P] * a[r + c * P];
        }
      }
      double sumE = 0;
      double sumE2 = 0;
      for (double v : e) {
        assertTrue(v >= 0 && v < 0.95, "eigenvalue " + v);
        sumE += v;
        sumE2 += v * v;
      }
      // trace = Σe and ‖A‖_F² = Σe² hold for Q diag(e) Qᵀ with orthogonal Q
      assertEquals(sumE, trace, 1e-13);
      assertEquals(sumE2, frob, 1e-13);
    }
  }

  @Test
  void fullBatchIsThePoolMean() {
    double[] mean = new double[P * P];
    for (int i = 0; i < 30; i++) {
      double[] a = sys.poolMember(i);
      for (int j = 0; j < mean.length; j++) {
        mean[j] += a[j] / 30;
      }
    }
    assertArrayEquals(mean, sys.denseA(), 1e-15);
  }

  @Test
  void sampledProductsMatchPlainLoops() {
    int[] rows = {4, 17, 4};
    double[] v = new double[2 * P];
    for (int j = 0; j < v.length; j++) {
      v[j] = Math.sin(j + 1.0);
    }
    double[] out = new double[2 * P];
    java.util.Arrays.fill(out, Double.NaN);
    sys.applySampledA(rows, v, 2, out);
    double[] single = new double[P];
    for (int m = 0; m < 2; m++) {
      double[] expected = new double[P];
      for (int row : rows) {
        double[] a = sys.poolMember(row);
        for (int r = 0; r < P; r++) {
          for (int c = 0; c < P; c++) {
            expected[r] += a[r + c * P] * v[m * P + c] / rows.length;
          }
        }
      }
      assertArrayEquals(expected, java.util.Arrays.copyOfRange(out, m * P, (m + 1) * P), 1e-14);
      sys.applySampledA(rows, java.util.Arrays.copyOfRange(v, m * P, (m + 1) * P), 1, single);
      assertArrayEquals(expected, single, 1e-14);
    }
  }

  @Test
  void sameSeedSameInstance() {
    SyntheticQuadraticProblem again = SyntheticQuadraticProblem.generate(P, 30, 0.05, 3);
    assertArrayEquals(sys.denseA(), again.denseA(), 0.0);
    assertArrayEquals(sys.c(), again.c(), 0.0);
    assertArrayEquals(sys.poolMember(29), again.poolMember(29), 0.0);
    SyntheticQuadraticProblem other = SyntheticQuadraticProblem.generate(P, 30, 0.05, 4);
    assertTrue(other.c()[0] != sys.c()[0]);
  }

  @Test
  void rejectsBadSizes() {
    assertThrows(IllegalArgumentException.class, () -> SyntheticQuadraticProblem.generate(0, 3, 0.01, 0));
    assertThrows(IllegalArgumentException.class, () -> SyntheticQuadraticProblem.generate(3, 3, 1.0, 0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SyntheticQuadraticProblem.generate(10_000, 1000, 0.01, 0));
    assertTrue(e.getMessage().contains("n_parent"), e.getMessage());
  }
}
