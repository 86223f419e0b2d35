package io.hypergrad.bench;

import io.hypergrad.population.AttentionTeacher;
import io.hypergrad.population.HypergradientPopulation;
import io.hypergrad.population.Mutator;
import io.hypergrad.population.RandomMutation;
import io.hypergrad.population.Student;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * HPM against PBT and plain hypergradient descent on synthetic functions with local optima (the
 * kind the HPM paper uses), over many seeds: Rastrigin and Ackley in d dimensions, every student
 * starting in a box away from the global minimum at 0, gradient steps as each student's local steps.
 * Prints, per function and method, the median and quartiles of the best value after each budget and
 * how many seeds reached the global basin.
 *   PopulationSynthetic [SEEDS]
 */
public final class PopulationSynthetic {
  static final int POPULATION = 20;
  static final int LOCAL_STEPS = 5;
  static final int[] ROUNDS = {20, 50, 100, 200};

  private PopulationSynthetic() {}

  interface Function {
    double value(double[] l);

    double[] gradient(double[] l);
  }

  static final Function RASTRIGIN = new Function() {
    @Override
    public double value(double[] l) {
      double s = 10 * l.length;
      for (double v : l) {
        s += v * v - 10 * Math.cos(2 * Math.PI * v);
      }
      return s;
    }

    @Override
    public double[] gradient(double[] l) {
      double[] g = new double[l.length];
      for (int d = 0; d < l.length; d++) {
        g[d] = 2 * l[d] + 20 * Math.PI * Math.sin(2 * Math.PI * l[d]);
      }
      return g;
    }
  };

  static final Function ACKLEY = new Function() {
    @Override
    public double value(double[] l) {
      double sq = 0;
      double cs = 0;
      for (double v : l) {
        sq += v * v;
        cs += Math.cos(2 * Math.PI * v);
      }
      int n = l.length;
      return -20 * Math.exp(-0.2 * Math.sqrt(sq / n)) - Math.exp(cs / n) + 20 + Math.E;
    }

    @Override
    public double[] gradient(double[] l) {
      double sq = 0;
      double cs = 0;
      for (double v : l) {
        sq += v * v;
        cs += Math.cos(2 * Math.PI * v);
      }
      int n = l.length;
      double r = Math.sqrt(sq / n);
      double a = r == 0 ? 0 : 4 * Math.exp(-0.2 * r) / (n * r);
      double b = Math.exp(cs / n) * 2 * Math.PI / n;
      double[] g = new double[n];
      for (int d = 0; d < n; d++) {
        g[d] = a * l[d] + b * Math.sin(2 * Math.PI * l[d]);
      }
      return g;
    }
  };

  record Descent(Function f, double lr) implements HypergradientPopulation.Trainer<Integer> {
    @Override
    public List<Student<Integer>> train(int round, List<Student<Integer>> students) {
      List<Student<Integer>> out = new ArrayList<>();
      for (Student<Integer> s : students) {
        double[] l = s.lambda().clone();
        for (int t = 0; t < LOCAL_STEPS; t++) {
          double[] g = f.gradient(l);
          for (int d = 0; d < l.length; d++) {
            l[d] -= lr * g[d];
          }
        }
        out.add(new Student<>(l, f.gradient(l), f.value(l), 0));
      }
      return out;
    }

    @Override
    public Student<Integer> fresh(double[] lambda) {
      return new Student<>(lambda, new double[lambda.length], Double.NaN, 0);
    }
  }

  public static void main(String[] args) {
    int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    System.out.printf(Locale.ROOT, "| function | method | best f after %s rounds (median [quartiles]) | seeds in the global basin at %d |%n",
        Arrays.toString(ROUNDS), ROUNDS[ROUNDS.length - 1]);
    System.out.println("|---|---|---|---|");
    for (int dim : new int[] {2, 5}) {
      // Rastrigin: local minima near every integer point, the global at 0 (basin: f < 1 − ε);
      // Ackley: a rugged plateau around one funnel (basin: f < 2.5)
      run("Rastrigin " + dim + "-d", RASTRIGIN, 0.002, 3.5, dim, 0.9, seeds);
      run("Ackley " + dim + "-d", ACKLEY, 0.05, 3.5, dim, 2.5, seeds);
    }
  }

  static void run(String name, Function f, double lr, double centre, int dim, double basin, int seeds) {
    for (String kind : new String[] {"hpm", "pbt", "hypergradient descent"}) {
      double[][] best = new double[ROUNDS.length][seeds];
      int reached = 0;
      for (int seed = 0; seed < seeds; seed++) {
        Mutator m = kind.equals("hpm") ? new AttentionTeacher(dim, 0.5, 0.1) : kind.equals("pbt") ? new RandomMutation(0.5)
            : null;
        // plain descent: the same starts with neither exploit nor explore (random search's rounds)
        String k = m == null ? HypergradientPopulation.RANDOM_SEARCH : kind;
        double[] init = new double[dim];
        Arrays.fill(init, centre);
        Descent trainer = new Descent(f, lr);
        HypergradientPopulation<Integer> pop = new HypergradientPopulation<>(k, POPULATION, 0.2, m, seed, init, 1.0, trainer);
        double b = Double.POSITIVE_INFINITY;
        int at = 0;
        for (int r = 1; r <= ROUNDS[ROUNDS.length - 1]; r++) {
          b = Math.min(b, pop.round(r, trainer).loss());
          if (r == ROUNDS[at]) {
            best[at++][seed] = b;
          }
        }
        reached += b < basin ? 1 : 0;
      }
      StringBuilder cells = new StringBuilder();
      for (double[] row : best) {
        Arrays.sort(row);
        cells.append(String.format(Locale.ROOT, "%s%.3g [%.3g, %.3g]", cells.length() > 0 ? " · " : "", row[seeds / 2],
            row[seeds / 4], row[3 * seeds / 4]));
      }
      System.out.printf(Locale.ROOT, "| %s | %s | %s | %d / %d |%n", name, kind, cells, reached, seeds);
    }
  }
}
