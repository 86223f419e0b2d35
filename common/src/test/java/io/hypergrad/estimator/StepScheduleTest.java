package io.hypergrad.estimator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StepScheduleTest {

  @Test
  void ratesFollowTheirFormulas() {
    assertEquals(0.3, new StepSchedule.Constant(0.3).rate(12345), 0);
    assertEquals(50.0 / (100 + 7 + 1), new StepSchedule.Linear(50, 100).rate(7), 1e-17);
    assertEquals(2.0 / Math.sqrt(3 + 5 + 1), new StepSchedule.Root(2, 3).rate(5), 1e-16);
    assertEquals(0.9 * Math.exp(-0.01 * 40), new StepSchedule.Exponential(0.9, 0.01).rate(40), 1e-16);
    StepSchedule poly = new StepSchedule.Polynomial(0.8, 0.1, 2, 100);
    assertEquals(0.8, poly.rate(0), 1e-16);
    assertEquals((0.8 - 0.1) * 0.25 + 0.1, poly.rate(50), 1e-16);
    assertEquals(0.1, poly.rate(100), 1e-16);
    assertEquals(0.1, poly.rate(5000), 1e-16);
  }

  @Test
  void decreasingSchedulesSatisfyRobbinsMonro() {
    StepSchedule linear = new StepSchedule.Linear(10, 100);
    double sum = 0;
    for (long t = 0; t < 1_000_000; t++) {
      double r = linear.rate(t);
      assertTrue(r <= linear.rate(Math.max(0, t - 1)));
      sum += r;
    }
    // Σ 10/(101 + t) over 10⁶ terms ≈ 10·ln(10⁶/101) ≈ 92: the sum keeps growing
    assertEquals(10 * Math.log((1_000_000 + 100.5) / 100.5), sum, 0.01);
  }

  @Test
  void validationNamesTheProblem() {
    IllegalArgumentException tooLarge = assertThrows(IllegalArgumentException.class,
        () -> new StepSchedule.Linear(20, 10).validate(1000));
    assertTrue(tooLarge.getMessage().contains("lr_0"), tooLarge.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new StepSchedule.Constant(0).validate(10));
    assertThrows(IllegalArgumentException.class, () -> new StepSchedule.Constant(1.5).validate(10));
    assertThrows(IllegalArgumentException.class, () -> new StepSchedule.Constant(-0.1).validate(10));
    assertThrows(IllegalArgumentException.class, () -> new StepSchedule.Linear(1, -1));
    assertThrows(IllegalArgumentException.class, () -> new StepSchedule.Exponential(1, -0.1));
    // e^(−1000·t) underflows to 0 long before t = 10
    assertThrows(IllegalArgumentException.class, () -> new StepSchedule.Exponential(1, 1000).validate(10));
    assertThrows(IllegalArgumentException.class, () -> new StepSchedule.Polynomial(0.1, 0.5, 1, 10));
    assertThrows(IllegalArgumentException.class, () -> new StepSchedule.Polynomial(0.5, 0.1, 0, 10));
    new StepSchedule.Constant(1.0).validate(10);
    new StepSchedule.Linear(10, 9).validate(10_000);
  }
}
