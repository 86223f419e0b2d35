package io.hypergrad.population;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AttentionTeacherTest {

  private static double[][] randomMatrix(SplittableRandom rng, int rows, int cols, double scale) {
    double[][] m = new double[rows][cols];
    for (double[] r : m) {
      for (int j = 0; j < cols; j++) {
        r[j] = scale * (2 * rng.nextDouble() - 1);
      }
    }
    return m;
  }

  /** The REINFORCE score ∂log p(δ)/∂(θ, W_q, W_k) against central differences of the log-density. */
  @Test
  void scoreGradientEqualsFiniteDifferencesOfTheLogDensity() {
    SplittableRandom rng = new SplittableRandom(11);
    int q = 4;
    double[][] lambdas = randomMatrix(rng, 5, q, 2);
    double[][] grads = randomMatrix(rng, 5, q, 3);
    int[] top = {3, 0, 4};
    AttentionTeacher teacher = new AttentionTeacher(q, 0.7, 0.1);
    double[] params = teacher.params();
    for (int k = 0; k < params.length; k++) {
      params[k] += 0.8 * (2 * rng.nextDouble() - 1); // away from the symmetric start
    }
    teacher.setParams(params);
    double[] xi = {0.3, -1.2, 0.9, 2.1};
    Mutator.Mutation m = teacher.mutate(0, top, lambdas, grads, xi);
    double h = 1e-6;
    double worst = 0;
    for (int k = 0; k < params.length; k++) {
      double[] plus = params.clone();
      double[] minus = params.clone();
      plus[k] += h;
      minus[k] -= h;
      teacher.setParams(plus);
      double fp = teacher.logDensity(0, top, lambdas, grads, m.lambda());
      teacher.setParams(minus);
      double fm = teacher.logDensity(0, top, lambdas, grads, m.lambda());
      double fd = (fp - fm) / (2 * h);
      // the attention's share is averaged over the q hyperparameters
      double analytic = k < q ? m.scoreGradient()[k] : q * m.scoreGradient()[k];
      worst = Math.max(worst, Math.abs(fd - analytic) / Math.max(1, Math.abs(fd)));
    }
    // central differences at h = 1e-6 on an O(1) function: truncation ~1e-12, rounding ~1e-10
    assertTrue(worst < 1e-7, "relative error " + worst);
  }

  @Test
  void aGateOfZeroIsPbtAndTheMeanFollowsTheAttendedHypergradient() {
    int q = 3;
    double[][] lambdas = {{0, 0, 0}, {1, 1, 1}};
    double[][] grads = {{1, -2, 0}, {1, -2, 0}};
    AttentionTeacher teacher = new AttentionTeacher(q, 0.5, 0.1);
    double[] p = teacher.params();
    java.util.Arrays.fill(p, 0, q, 50); // gates → 1
    teacher.setParams(p);
    Mutator.Mutation m = teacher.mutate(1, new int[] {1, 0}, lambdas, grads, new double[q]);
    // ĝ = g / RMS(g) = g / √(5/3); both top students agree, so u = −ĝ and δ = σ·u
    double rms = Math.sqrt(5.0 / 3);
    assertArrayEquals(new double[] {1 - 0.5 / rms, 1 + 1.0 / rms, 1}, m.lambda(), 1e-12);
  }

  /** Rewarded when a mutation went down the hypergradient, the gates learn to trust it. */
  @Test
  void gatesRiseWhenFollowingTheHypergradientPays() {
    int q = 2;
    double[][] lambdas = {{0, 0}, {0.5, -0.5}};
    double[][] grads = {{1, -1}, {1, -1}};
    AttentionTeacher teacher = new AttentionTeacher(q, 0.5, 0.2);
    SplittableRandom rng = new SplittableRandom(3);
    for (int round = 0; round < 200; round++) {
      double[][] scores = new double[4][];
      double[] rewards = new double[4];
      for (int c = 0; c < 4; c++) {
        Mutator.Mutation m = teacher.mutate(0, new int[] {0, 1}, lambdas, grads, rng);
        scores[c] = m.scoreGradient();
        // the loss is Σ ĝ·λ locally: the reward is the descent achieved
        rewards[c] = -(m.lambda()[0] - m.lambda()[1]);
      }
      teacher.learn(scores, rewards);
    }
    assertTrue(teacher.gate(0) > 0.8 && teacher.gate(1) > 0.8, teacher.gate(0) + ", " + teacher.gate(1));
  }

  @Test
  void stateRoundTrips() {
    AttentionTeacher a = new AttentionTeacher(3, 0.5, 0.1);
    a.learn(new double[][] {new double[11], new double[11]}, new double[] {1, 2});
    AttentionTeacher b = new AttentionTeacher(3, 0.5, 0.1);
    b.restore(a.state());
    assertArrayEquals(a.state(), b.state(), 0);
    assertEquals(14, a.state().length);
  }
}
