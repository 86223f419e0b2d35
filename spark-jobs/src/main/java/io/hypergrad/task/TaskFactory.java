package io.hypergrad.task;

import io.hypergrad.plan.ExecutionPlan;
import io.hypergrad.config.InvalidConfigException;
import io.hypergrad.config.JobConfig;
import io.hypergrad.synthetic.SyntheticQuadraticProblem;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Builds the linear system a config's {@code task} names: {@code synthetic} or {@code glm}. */
public final class TaskFactory {
  private TaskFactory() {}

  /** Builds the task for the given execution plan ({@code driver} or {@code distributed}). */
  public static Task build(JobConfig cfg, PrintStream log, String plan) {
    String task = cfg.getString("task", "synthetic");
    if (plan.equals(ExecutionPlan.DISTRIBUTED) && !task.equals("glm")) {
      throw new InvalidConfigException(cfg.where("plan") + ": plan '" + plan + "' needs task = glm (a problem over data rows)");
    }
    return switch (task) {
      case "synthetic" -> {
        if (plan.equals("auto")) {
          log.println("plan auto → driver: the synthetic problem's pool lives in this JVM");
        }
        Task t = synthetic(cfg, log);
        yield plan.equals("chains") ? new Task(t.system(), t.info(), "chains") : t;
      }
      case "glm" -> GlmTask.build(cfg, log, plan);
      default -> throw new InvalidConfigException(cfg.where("task") + ": unknown task '" + task + "'; expected synthetic or glm");
    };
  }

  private static Task synthetic(JobConfig cfg, PrintStream log) {
    int size = cfg.getPositiveInt("problem.size");
    int nParent = cfg.getPositiveInt("problem.n_parent");
    double epsilon = cfg.getDouble("problem.epsilon");
    long seed = cfg.getLong("problem.seed");
    long start = System.nanoTime();
    try {
      SyntheticQuadraticProblem problem = SyntheticQuadraticProblem.generate(size, nParent, epsilon, seed);
      log.printf(Locale.ROOT, "task synthetic: p = q = %d, pool of %d matrices, eigenvalues in [0, %.4g), seed %d (%.1f s)%n",
          size, nParent, 1 - epsilon, seed, (System.nanoTime() - start) / 1e9);
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("n_parent", nParent);
      return new Task(problem, info);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(cfg.where("problem") + ": " + e.getMessage(), e);
    }
  }
}
