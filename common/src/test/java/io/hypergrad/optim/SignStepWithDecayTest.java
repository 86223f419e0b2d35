package io.hypergrad.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** FDS's sign step: against the hypergradient's sign, its size halved (by the decay) on each flip. */
class SignStepWithDecayTest {
  @Test
  void stepsMoveAgainstTheSignAndShrinkWhenItFlips() {
    SignStepWithDecay step = new SignStepWithDecay(new double[] {0.1, 1.0, 0.5}, 0.5);
    double[] h = {1.0, 0.0, 2.0};
    step.apply(h, new double[] {3.0, -1e-9, 0.0}, null);
    assertArrayEquals(new double[] {0.9, 1.0, 2.0}, h, 1e-15, "any magnitude moves one step; a zero moves nothing");
    step.apply(h, new double[] {-2.0, -5.0, Double.NaN}, null);
    // coordinate 0 flipped: its step halves before it moves back
    assertArrayEquals(new double[] {0.95, 2.0, 2.0}, h, 1e-15);
    assertArrayEquals(new double[] {0.05, 1.0, 0.5}, step.steps(), 0.0);
    step.apply(h, new double[] {1.0, 1.0, 1.0}, new boolean[] {false, true, true});
    assertArrayEquals(new double[] {0.95, 1.5, 1.5}, h, 1e-15, "an unlearned coordinate stays");

    SignStepWithDecay again = new SignStepWithDecay(new double[] {0.1, 1.0, 0.5}, 0.5);
    again.restore(step.steps(), step.signs());
    double[] a = h.clone();
    double[] b = h.clone();
    step.apply(a, new double[] {-1, -1, 1}, null);
    again.apply(b, new double[] {-1, -1, 1}, null);
    assertArrayEquals(a, b, 0.0, "a restored state steps as the original");
    assertThrows(IllegalArgumentException.class, () -> new SignStepWithDecay(new double[1], 1.0));
  }
}
