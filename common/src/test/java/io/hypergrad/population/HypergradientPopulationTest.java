package io.hypergrad.population;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The population on Rastrigin's function f(λ) = 20 + Σ_d (λ_d² − 10·cos 2πλ_d) in two dimensions:
 * a local minimum near every integer point, the global one at 0 (f = 0; the next best, near (±1, 0),
 * have f ≈ 0.99). Every student starts in [2.5, 4.5]², where gradient descent settles in a local
 * minimum with f ≥ 18.
 */
class HypergradientPopulationTest {
  static final int ROUNDS = 120;
  static final int POPULATION = 20;
  static final int LOCAL_STEPS = 5;
  // below 2/L at the minima (L = 2 + 40π² ≈ 397)
  static final double LR = 0.002;

  static double f(double[] l) {
    double s = 20;
    for (double v : l) {
      s += v * v - 10 * Math.cos(2 * Math.PI * v);
    }
    return s;
  }

  static double[] grad(double[] l) {
    double[] g = new double[l.length];
    for (int d = 0; d < l.length; d++) {
      g[d] = 2 * l[d] + 20 * Math.PI * Math.sin(2 * Math.PI * l[d]);
    }
    return g;
  }

  /** Gradient descent on λ: the synthetic stand-in for a student's hypergradient steps. */
  static final class Descent implements HypergradientPopulation.Trainer<Integer> {
    int calls;

    @Override
    public List<Student<Integer>> train(int round, List<Student<Integer>> students) {
      List<Student<Integer>> out = new ArrayList<>();
      for (Student<Integer> s : students) {
        double[] l = s.lambda().clone();
        for (int t = 0; t < LOCAL_STEPS; t++) {
          double[] g = grad(l);
          for (int d = 0; d < l.length; d++) {
            l[d] -= LR * g[d];
          }
          calls++;
        }
        out.add(new Student<>(l, grad(l), f(l), s.state() + LOCAL_STEPS));
      }
      return out;
    }

    @Override
    public Student<Integer> fresh(double[] lambda) {
      return new Student<>(lambda, new double[lambda.length], Double.NaN, 0);
    }
  }

  static HypergradientPopulation<Integer> population(String kind, long seed, Descent trainer) {
    Mutator mutator = kind.equals(HypergradientPopulation.HPM) ? new AttentionTeacher(2, 0.5, 0.1)
        : kind.equals(HypergradientPopulation.PBT) ? new RandomMutation(0.5) : null;
    return new HypergradientPopulation<>(kind, POPULATION, 0.2, mutator, seed, new double[] {3.5, 3.5}, 1.0, trainer);
  }

  static double bestAfter(String kind, long seed) {
    Descent trainer = new Descent();
    HypergradientPopulation<Integer> pop = population(kind, seed, trainer);
    Student<Integer> best = null;
    for (int r = 1; r <= ROUNDS; r++) {
      best = pop.round(r, trainer);
    }
    assertEquals(ROUNDS * POPULATION * LOCAL_STEPS, trainer.calls, "every kind spends the same gradient budget");
    return best.loss();
  }

  @Test
  void thePopulationFindsTheGlobalMinimumWherePlainDescentFromTheSameStartsDoesNot() {
    for (long seed = 0; seed < 3; seed++) {
      // plain hypergradient descent: the same 20 starts, the same budget, no exploit or explore
      Descent plain = new Descent();
      HypergradientPopulation<Integer> starts = population(HypergradientPopulation.HPM, seed, plain);
      double plainBest = Double.POSITIVE_INFINITY;
      for (Student<Integer> s : starts.students()) {
        double[] l = s.lambda().clone();
        for (int t = 0; t < ROUNDS * LOCAL_STEPS; t++) {
          double[] g = grad(l);
          for (int d = 0; d < 2; d++) {
            l[d] -= LR * g[d];
          }
        }
        plainBest = Math.min(plainBest, f(l));
      }
      assertTrue(plainBest > 17, "seed " + seed + ": plain descent reached " + plainBest);
      double hpm = bestAfter(HypergradientPopulation.HPM, seed);
      double pbt = bestAfter(HypergradientPopulation.PBT, seed);
      double random = bestAfter(HypergradientPopulation.RANDOM_SEARCH, seed);
      // the global basin: f < 0.5 only within ~0.16 of the origin
      assertTrue(hpm < 1e-6, "seed " + seed + ": HPM reached " + hpm);
      assertTrue(pbt < 1e-6, "seed " + seed + ": PBT reached " + pbt);
      // without exploit and explore the students are the plain descents themselves
      assertEquals(plainBest, random, 0.0, "seed " + seed);
    }
  }

  @Test
  void aRestoredPopulationRepeatsTheUninterruptedRun() {
    Descent t1 = new Descent();
    HypergradientPopulation<Integer> whole = population(HypergradientPopulation.HPM, 5, t1);
    Descent t2 = new Descent();
    HypergradientPopulation<Integer> first = population(HypergradientPopulation.HPM, 5, t2);
    for (int r = 1; r <= 10; r++) {
      whole.round(r, t1);
      first.round(r, t2);
    }
    Descent t3 = new Descent();
    HypergradientPopulation<Integer> resumed = population(HypergradientPopulation.HPM, 5, t3);
    resumed.restore(first.students(), first.pending(), first.log(), first.mutator().state());
    for (int r = 11; r <= 30; r++) {
      Student<Integer> a = whole.round(r, t1);
      Student<Integer> b = resumed.round(r, t3);
      assertArrayEquals(a.lambda(), b.lambda(), 0);
    }
    assertArrayEquals(whole.mutator().state(), resumed.mutator().state(), 0);
    for (int i = 0; i < POPULATION; i++) {
      assertArrayEquals(whole.students().get(i).lambda(), resumed.students().get(i).lambda(), 0);
    }
  }

  @Test
  void truncationReplacesTheBottomWithCopiesOfTheTop() {
    double[] losses = {5, 1, Double.NaN, 3, 2, 4, 0.5, 7, 6, 8};
    TruncationSelection.Selection s = TruncationSelection.select(losses, 0.2, new java.util.SplittableRandom(1));
    assertArrayEquals(new int[] {6, 1}, s.top());
    assertArrayEquals(new int[] {9, 2}, s.children()); // NaN ranks last
    for (int p : s.parents()) {
      assertTrue(p == 6 || p == 1);
    }
  }
}
