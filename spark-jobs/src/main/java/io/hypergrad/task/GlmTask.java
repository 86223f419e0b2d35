package io.hypergrad.task;

import io.hypergrad.config.InvalidConfigException;
import io.hypergrad.config.JobConfig;
import io.hypergrad.model.BiasedRegularizationHyperModel;
import io.hypergrad.model.GlmBilevelProblem;
import io.hypergrad.model.GlmLoss;
import io.hypergrad.model.HyperModel;
import io.hypergrad.model.InstanceWeightHyperModel;
import io.hypergrad.model.Intercept;
import io.hypergrad.model.LabeledRows;
import io.hypergrad.model.NewtonCg;
import io.hypergrad.model.PerFeatureRidgeHyperModel;
import io.hypergrad.model.RidgeHyperModel;
import io.hypergrad.plan.ExecutionPlan;
import io.hypergrad.prep.DataPreparation;
import io.hypergrad.prep.PreparedSplit;
import io.hypergrad.rows.LocalRows;
import io.hypergrad.rows.RowSource;
import io.hypergrad.spark.SparkSessions;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code task = glm}: a GLM bilevel problem on real data. Reads the data ({@link GlmData}: raw
 * files, a table on the executors or a {@code prepare} output), builds model and hyper-model, solves the inner problem
 * to a tight optimum with Newton-CG and returns the hypergradient's linear system at x*.
 */
public final class GlmTask {
  /** The plans a GLM task runs on. */
  public static final List<String> PLANS = List.of(ExecutionPlan.DRIVER, ExecutionPlan.DISTRIBUTED, ExecutionPlan.CHAINS);

  private GlmTask() {}

  /** The problem at λ₀ over rows in this JVM, before the inner solve (tests). */
  public static GlmBilevelProblem problem(JobConfig cfg, DataPreparation.Result data) {
    LabeledRows train = rows(data.split("train"), data.featureCount());
    LabeledRows val = rows(data.split("val"), data.featureCount());
    if (cfg.getBoolean("problem.intercept")) {
      train = Intercept.augment(train);
      val = Intercept.augment(val);
    }
    return problem(cfg, LocalRows.of(train), LocalRows.of(val), data.classes());
  }

  /** The problem at λ₀ over the data's training and validation rows, wherever they are. */
  public static GlmBilevelProblem problem(JobConfig cfg, GlmData data) {
    if (!data.has("val")) {
      throw new InvalidConfigException(cfg.where("data.split") + ": the task needs validation rows; the split leaves none");
    }
    return problem(cfg, data.rows("train"), data.rows("val"), data.classes());
  }

  private static GlmBilevelProblem problem(JobConfig cfg, RowSource train, RowSource val, int classes) {
    GlmLoss loss = loss(cfg, classes);
    try {
      HyperModel hyper = hyperModel(cfg, loss.parameterCount(train.featureCount()), train.size());
      return GlmBilevelProblem.over(loss, hyper, train, val, cfg.getDouble("problem.model_ridge"), false,
          cfg.getBoolean("problem.intercept"));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(cfg.where("problem") + ": " + e.getMessage(), e);
    }
  }

  public static GlmLoss loss(JobConfig cfg, int classes) {
    String model = cfg.getString("problem.model");
    try {
      if (model.equals("logistic") && classes != 2) {
        throw new IllegalArgumentException("logistic regression needs 2 classes (labels 0/1); the data has "
            + (classes == 0 ? "a continuous label" : classes + " classes"));
      }
      return GlmLoss.named(model, classes);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(cfg.where("problem.model") + ": " + e.getMessage(), e);
    }
  }

  public static Task build(JobConfig cfg, PrintStream log) {
    return build(cfg, log, "driver");
  }

  /**
   * As {@link #build(JobConfig, PrintStream)} for an execution plan: {@code driver}, {@code
   * distributed} or {@code chains} (the rows on Spark executors), or {@code auto}. A table or a
   * prepared dataset on a Spark plan goes from its files straight into the executors' partitions.
   */
  public static Task build(JobConfig cfg, PrintStream log, String plan) {
    long start = System.nanoTime();
    int batch = cfg.getPositiveInt("batch");
    GlmData data = GlmData.load(cfg, log, (n, features) -> ExecutionPlan.resolve(plan, n, features, batch, PLANS, log));
    GlmBilevelProblem problem = problem(cfg, data);
    log.printf(Locale.ROOT, "task glm: %s + %s on %d training / %d validation rows, %d features → p = %d, q = %d%s "
        + "(%.1f s)%n", problem.loss().name(), problem.hyperModel().name(), problem.train().size(),
        problem.validation().size(), data.featureCount(), problem.p(), problem.hyperModel().q(), data.onSpark()
            ? ", in " + cfg.getPositiveInt("partitions") + " partitions on " + SparkSessions.context().master() : "",
        (System.nanoTime() - start) / 1e9);
    return solve(cfg, log, data, problem, data.onSpark() ? cfg.getPositiveInt("partitions") : 0);
  }

  /**
   * The inner solve, where the rows are (on Spark: one pass per loss, gradient and Hessian-vector
   * product), then the hypergradient's linear system at x*.
   */
  private static Task solve(JobConfig cfg, PrintStream log, GlmData data, GlmBilevelProblem problem, int partitions) {
    double tol = cfg.getDouble("problem.inner_tol");
    int maxIter = cfg.getPositiveInt("problem.inner_max_iter");
    long solveStart = System.nanoTime();
    NewtonCg.Result inner = NewtonCg.solve(problem, new double[problem.p()], tol, maxIter);
    double solveSeconds = (System.nanoTime() - solveStart) / 1e9;
    double relative = inner.gradNorm() / inner.startNorm();
    if (inner.converged()) {
      log.printf(Locale.ROOT, "inner solve: Newton-CG, %d steps, ‖∇ₓg‖ = %.3e (%.1e relative to the start) in %.2f s%n",
          inner.iterations(), inner.gradNorm(), relative, solveSeconds);
    } else {
      log.printf(Locale.ROOT, "WARNING: inner solve did not reach ‖∇ₓg‖ ≤ %.1e relative after %d Newton steps: "
          + "‖∇ₓg‖ = %.3e (%.1e relative); the reference v* is exact for this x, not for x*(λ)%n", tol, inner.iterations(),
          inner.gradNorm(), relative);
    }
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("model", problem.loss().name());
    info.put("hyper_model", problem.hyperModel().name());
    info.put("n_train", problem.train().size());
    info.put("n_val", problem.validation().size());
    info.put("features", problem.train().featureCount());
    info.put("data", data.summary());
    info.put("inner_steps", inner.iterations());
    info.put("inner_grad_norm", inner.gradNorm());
    info.put("inner_converged", inner.converged());
    info.put("inner_loss", problem.value(inner.x()));
    info.put("outer_loss", problem.outerLoss(inner.x()));
    if (!problem.holdsRows()) {
      info.put("partitions", partitions);
    }
    return new Task(problem.linearSystemAt(inner.x()), info, data.plan());
  }

  private static LabeledRows rows(PreparedSplit split, int featureCount) {
    return new LabeledRows(split.features(), split.labels(), split.weights(), featureCount);
  }

  public static HyperModel hyperModel(JobConfig cfg, int p, int nTrain) {
    String name = cfg.getString("problem.hyper_model");
    double rho = cfg.getDouble("problem.rho");
    int q = switch (name) {
      case "l2" -> 1;
      case "l2-per-feature", "l2-exp-per-feature", "biased-reg" -> p;
      case "instance-weights", "hyper-cleaning" -> nTrain;
      default -> throw new InvalidConfigException(cfg.where("problem.hyper_model") + ": unknown hyper_model '" + name
          + "'; expected l2, l2-per-feature, l2-exp-per-feature, instance-weights, biased-reg or hyper-cleaning");
    };
    double init = cfg.getDouble("problem.lambda_init",
        name.equals("biased-reg") || name.equals("hyper-cleaning") || name.equals("l2-exp-per-feature") ? 0 : 1);
    double std = cfg.getDouble("problem.lambda_std");
    double[] lambda = new double[q];
    Arrays.fill(lambda, init);
    if (std > 0) {
      SplittableRandom rng = new SplittableRandom(cfg.getLong("problem.seed"));
      for (int j = 0; j < q; j++) {
        lambda[j] += std * gaussian(rng);
      }
    }
    return switch (name) {
      case "l2" -> new RidgeHyperModel(rho, lambda[0]);
      case "l2-per-feature" -> new PerFeatureRidgeHyperModel(rho, lambda);
      case "l2-exp-per-feature" -> new io.hypergrad.model.ExpPerFeatureRidgeHyperModel(lambda);
      case "biased-reg" -> new BiasedRegularizationHyperModel(rho, lambda);
      case "instance-weights" -> InstanceWeightHyperModel.instanceWeights(
          InstanceWeightHyperModel.Activation.named(cfg.getString("problem.activation")), rho, lambda);
      default -> InstanceWeightHyperModel.hyperCleaning(rho, lambda);
    };
  }

  private static double gaussian(SplittableRandom rng) {
    double u = rng.nextDouble();
    double v = rng.nextDouble();
    return Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v);
  }
}
