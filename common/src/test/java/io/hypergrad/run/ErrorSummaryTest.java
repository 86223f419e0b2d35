package io.hypergrad.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ErrorSummaryTest {

  @Test
  void meanStdAndLastTenPercent() {
    // 20 iterations (21 points); the last 10% is the last 2 points
    double[] a = new double[21];
    double[] b = new double[21];
    for (int t = 0; t <= 20; t++) {
      a[t] = t;
      b[t] = 3 * t;
    }
    ErrorSummary s = ErrorSummary.of(new double[][] {a, b});
    assertEquals(2 * 20, s.finalMean(), 0);
    assertEquals(20, s.finalStd(), 0);
    assertEquals((2 * 19 + 2 * 20) / 2.0, s.last10Mean(), 0);
    assertArrayEquals(new double[] {0, 2, 4}, java.util.Arrays.copyOf(s.mean(), 3), 0);
    assertArrayEquals(new double[] {0, 1, 2}, java.util.Arrays.copyOf(s.std(), 3), 0);
  }
}
