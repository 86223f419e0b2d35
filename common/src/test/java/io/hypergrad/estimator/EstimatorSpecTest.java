package io.hypergrad.estimator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EstimatorSpecTest {

  @Test
  void referenceNamesAreAliases() {
    assertEquals(Method.SID, Method.parse("grazzi"));
    assertEquals(Method.MIXED_FP, Method.parse("vr"));
    assertEquals(Method.MIXED_FP_KM, Method.parse("vr_km"));
    assertEquals(Method.MIXED_FP_KM, Method.parse("Mixed-FP-KM"));
    assertEquals("mixed-fp-km", Method.parse("vr_km").canonicalName());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Method.parse("lissa"));
    assertTrue(e.getMessage().contains("mixed-fp-km"), e.getMessage());
  }

  @Test
  void badParametersAreRejectedWithTheirName() {
    assertMessage("scale", () -> EstimatorSpec.neumann(0));
    assertMessage("scale", () -> EstimatorSpec.neumann(-1));
    assertMessage("scale", () -> EstimatorSpec.unroll(Double.NaN));
    assertMessage("alpha", () -> EstimatorSpec.mixedFp(1, 1.01));
    assertMessage("alpha", () -> EstimatorSpec.mixedFp(1, -0.1));
    assertMessage("schedule", () -> EstimatorSpec.sid(1, null));
    assertMessage("tol", () -> EstimatorSpec.cg(0, 10));
    assertMessage("max_iter", () -> EstimatorSpec.cg(1e-10, 0));
    EstimatorSpec.mixedFp(1, 0);
    EstimatorSpec.mixedFp(1, 1);
  }

  @Test
  void labelsListTheParametersCompactly() {
    assertEquals("mixed-fp-km(alpha=0.8,scale=1,schedule=linear,eta0=50,t0=100)",
        EstimatorSpec.mixedFpKm(1, 0.8, new StepSchedule.Linear(50, 100)).label());
    assertEquals("neumann(scale=0.01)", EstimatorSpec.neumann(0.01).label());
    assertEquals("cg(tol=1e-12,max_iter=500)", EstimatorSpec.cg(1e-12, 500).label());
    assertEquals("mixed-fp(alpha=0.99999,scale=2.5e-5)", EstimatorSpec.mixedFp(2.5e-5, 0.99999).label());
    assertEquals("exact", EstimatorSpec.exact().label());
  }

  private static void assertMessage(String word, org.junit.jupiter.api.function.Executable body) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, body);
    assertTrue(e.getMessage().contains(word), "message should name " + word + ": " + e.getMessage());
  }
}
