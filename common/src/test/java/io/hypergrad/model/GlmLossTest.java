package io.hypergrad.model;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every loss's analytic gradient and Hessian-vector products against central finite differences. */
class GlmLossTest {
  private static final List<GlmLoss> LOSSES = List.of(new LogisticLoss(), new SquaredLoss(), new SoftmaxLoss(4));

  @Test
  void gradientsAndHessianProductsMatchFiniteDifferences() {
    for (GlmLoss loss : LOSSES) {
      for (boolean sparse : new boolean[] {false, true}) {
        LabeledRows rows = TestData.rows(6, 5, loss, sparse, 3);
        int p = loss.parameterCount(5);
        double[] x = TestData.gaussian(p, 4, 0.7);
        double[] v1 = TestData.gaussian(p, 5, 1);
        double[] v2 = TestData.gaussian(p, 6, 1);
        double[] vs = new double[2 * p];
        System.arraycopy(v1, 0, vs, 0, p);
        System.arraycopy(v2, 0, vs, p, p);
        for (int i = 0; i < rows.size(); i++) {
          var a = rows.features()[i];
          double y = rows.labels()[i];
          String what = loss.name() + (sparse ? " sparse" : " dense") + " row " + i;
          double[] grad = new double[p];
          loss.addGradient(a, y, x, 1.0, grad);
          double[] fd = FiniteDifferences.gradient(z -> loss.loss(a, y, z), x);
          // central differences with h = 1e-5 are accurate to O(h²) ≈ 1e-10 on these O(1) quantities
          assertTrue(FiniteDifferences.relativeDifference(grad, fd) < 1e-8, what + " gradient");
          double[] hv = new double[2 * p];
          loss.addHessianProduct(a, y, x, 1.0, vs, 2, hv);
          for (int m = 0; m < 2; m++) {
            double[] v = m == 0 ? v1 : v2;
            double[] fdHv = FiniteDifferences.directional(z -> {
              double[] g = new double[p];
              loss.addGradient(a, y, z, 1.0, g);
              return g;
            }, x, v);
            double[] analytic = java.util.Arrays.copyOfRange(hv, m * p, (m + 1) * p);
            assertTrue(FiniteDifferences.relativeDifference(analytic, fdHv) < 1e-8, what + " Hessian product " + m);
          }
        }
      }
    }
  }

  @Test
  void logisticIsStableForLargeMargins() {
    var a = org.apache.spark.ml.linalg.Vectors.dense(1000.0);
    LogisticLoss l = new LogisticLoss();
    assertTrue(Double.isFinite(l.loss(a, 0, new double[] {1})) && Math.abs(l.loss(a, 1, new double[] {1})) < 1e-300);
    assertTrue(Math.abs(l.loss(a, 0, new double[] {-1})) < 1e-300);
  }

  @Test
  void labelsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> new LogisticLoss().checkLabel(-1));
    assertThrows(IllegalArgumentException.class, () -> new SoftmaxLoss(3).checkLabel(3));
    assertThrows(IllegalArgumentException.class, () -> new SoftmaxLoss(3).checkLabel(1.5));
    assertThrows(IllegalArgumentException.class, () -> new SquaredLoss().checkLabel(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> GlmLoss.named("probit", 2));
  }
}
