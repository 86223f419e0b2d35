package io.hypergrad.jobs;

import io.hypergrad.config.InvalidConfigException;
import io.hypergrad.config.JobConfig;
import io.hypergrad.oracle.StochasticLinearSystem;
import io.hypergrad.synthetic.SyntheticQuadraticProblem;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;

/** Builds the linear system a config's {@code task} names. */
public final class TaskFactory {
  public static final Set<String> KEYS = Set.of("task", "problem.size", "problem.n_parent", "problem.epsilon", "problem.seed");

  private TaskFactory() {}

  public static StochasticLinearSystem build(JobConfig cfg, PrintStream log) {
    String task = cfg.getString("task", "synthetic");
    if (!task.equals("synthetic")) {
      throw new InvalidConfigException(cfg.where("task") + ": unknown task '" + task + "'; supported: synthetic");
    }
    int size = cfg.getPositiveInt("problem.size", 100);
    int nParent = cfg.getPositiveInt("problem.n_parent", 1000);
    double epsilon = cfg.getDouble("problem.epsilon", 0.01);
    long seed = cfg.getLong("problem.seed", 0L);
    long start = System.nanoTime();
    try {
      SyntheticQuadraticProblem problem = SyntheticQuadraticProblem.generate(size, nParent, epsilon, seed);
      log.printf(Locale.ROOT, "task synthetic: p = q = %d, pool of %d matrices, eigenvalues in [0, %.4g), seed %d (%.1f s)%n",
          size, nParent, 1 - epsilon, seed, (System.nanoTime() - start) / 1e9);
      return problem;
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(cfg.where("problem") + ": " + e.getMessage(), e);
    }
  }
}
