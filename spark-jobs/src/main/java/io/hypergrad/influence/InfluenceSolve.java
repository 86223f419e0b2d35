package io.hypergrad.influence;

import io.hypergrad.config.InvalidConfigException;
import io.hypergrad.config.JobConfig;
import io.hypergrad.estimator.DirectSolution;
import io.hypergrad.estimator.EstimatorSpec;
import io.hypergrad.estimator.Estimators;
import io.hypergrad.linalg.Blas;
import io.hypergrad.linalg.DenseCholesky;
import io.hypergrad.linalg.InverseQuadratic;
import io.hypergrad.linalg.LowRankInverse;
import io.hypergrad.model.GlmBilevelProblem;
import io.hypergrad.model.GlmLinearSystem;
import io.hypergrad.model.GlmLoss;
import io.hypergrad.model.HyperModel;
import io.hypergrad.model.LabeledRows;
import io.hypergrad.model.NewtonCg;
import io.hypergrad.oracle.CounterSampler;
import io.hypergrad.rows.LocalRows;
import io.hypergrad.rows.RowSource;
import io.hypergrad.run.ChainRunner;
import io.hypergrad.spark.PartitionedRows;
import io.hypergrad.spark.SparkSessions;
import io.hypergrad.task.GlmData;
import io.hypergrad.task.GlmTask;
import java.io.PrintStream;
import java.util.Locale;
import org.apache.spark.ml.linalg.Vector;

/**
 * The influence engine, the same for the {@code influence} job and the {@code InfluenceFunction}
 * stage: the inner model x* (Newton-CG from zero or from given coefficients), then s ≈ A⁻¹∇f_val(x*)
 * once by the chosen estimator — an iterative one over the rows its chain draws, gathered in one
 * pass, or cg/exact over full passes — and the solve's relative residual.
 */
public final class InfluenceSolve {
  private InfluenceSolve() {}

  /**
   * How to solve.
   *
   * @param spec             the estimator for s
   * @param seed             the sampler's seed
   * @param batch            rows a step
   * @param iterations       the chain's length (iterative estimators)
   * @param divergenceFactor the divergence guard's factor
   * @param exactMaxP        the largest p exact factors
   * @param innerTol         Newton-CG's relative gradient tolerance
   * @param innerMaxIter     Newton-CG's step limit
   * @param selfRank         the rank of A⁻¹'s approximation for self-influence beyond exactMaxP
   * @param powerSteps       that approximation's power steps
   */
  public record Settings(EstimatorSpec spec, long seed, int batch, int iterations, double divergenceFactor, int exactMaxP,
      double innerTol, int innerMaxIter, int selfRank, int powerSteps) {}

  /**
   * The solved problem.
   *
   * @param x            the inner model x*
   * @param inner        the inner solve's report
   * @param s            A⁻¹∇f_val(x*) as the estimator gives it
   * @param residual     ‖A·s − c‖/‖c‖
   * @param innerSeconds the inner solve's time
   * @param solveSeconds s's time
   */
  public record Result(double[] x, NewtonCg.Result inner, double[] s, double residual, GlmLinearSystem system,
      double innerSeconds, double solveSeconds, InverseQuadratic hessian) {}

  /** The influence targets: the validation loss (s = A⁻¹∇f), or each row's own loss (A's Cholesky factor). */
  public static final java.util.List<String> TARGETS = java.util.List.of("validation", "self", "queries", "groups");

  /** The config's {@code influence.target}, checked. */
  public static String target(JobConfig cfg) {
    String target = cfg.getString("influence.target");
    if (!TARGETS.contains(target)) {
      throw new InvalidConfigException(cfg.where("influence.target") + ": unknown influence.target '" + target
          + "'; expected one of " + TARGETS);
    }
    return target;
  }

  /**
   * The problem over the data's training rows (on the executors) and validation rows, with the
   * config's model and fixed regulariser; an instance-weighting hyper-model is refused, since the
   * scores are the derivatives with respect to those weights.
   */
  public static GlmBilevelProblem problem(JobConfig cfg, GlmData data) {
    GlmLoss loss = GlmTask.loss(cfg, data.classes());
    HyperModel hyper = GlmTask.hyperModel(cfg, loss.parameterCount(data.featureCount()), 0);
    if (hyper.instanceWise()) {
      throw new InvalidConfigException(cfg.where("problem.hyper_model") + ": influence scores every training row's weight "
          + "itself; use a regulariser (l2, l2-per-feature or biased-reg), not " + hyper.name());
    }
    boolean needsValidation = target(cfg).equals("validation") || target(cfg).equals("groups");
    if (!data.has("val") && needsValidation) {
      throw new InvalidConfigException(cfg.where("data.split") + ": influence needs validation rows; the split leaves none");
    }
    PartitionedRows train = PartitionedRows.of(SparkSessions.context(), data.partitions("train"), data.featureCount());
    // self-influence and queries need no validation set: an empty one when the split has none
    RowSource validation = data.has("val") ? data.rows("val") : LocalRows.of(new LabeledRows(new Vector[0], new double[0],
        data.featureCount()));
    try {
      return GlmBilevelProblem.over(loss, hyper, train, validation, cfg.getDouble("problem.model_ridge"), false,
          data.intercept());
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(cfg.where("problem") + ": " + e.getMessage(), e);
    }
  }

  /** The engine's settings from a job's (or a stage's) keys. */
  public static Settings settings(JobConfig cfg, EstimatorSpec spec) {
    return new Settings(spec, cfg.getLong("seed"), cfg.getPositiveInt("batch"), cfg.getPositiveInt("iterations"),
        cfg.getDouble("divergence_factor"), cfg.getPositiveInt("exact_max_p"), cfg.getDouble("problem.inner_tol"),
        cfg.getPositiveInt("problem.inner_max_iter"), cfg.getPositiveInt("influence.rank"),
        cfg.getNonNegativeInt("influence.power_steps"));
  }

  /**
   * x* from {@code x0} (zeros when null), then A⁻¹ for every row's ∇ℓᵢᵀA⁻¹∇ℓᵢ on the executors: A's
   * dense Cholesky factor (one pass) for p within {@code exactMaxP}, beyond it a rank-k
   * approximation ({@link #lowRank}).
   */
  public static Result runSelf(GlmBilevelProblem problem, double[] x0, Settings settings, PrintStream log) {
    int p = problem.p();
    long t0 = System.nanoTime();
    NewtonCg.Result inner = innerSolve(problem, x0, settings, log);
    double innerSeconds = (System.nanoTime() - t0) / 1e9;
    GlmLinearSystem system = problem.linearSystemAt(inner.x());
    t0 = System.nanoTime();
    InverseQuadratic inverse;
    if (p <= settings.exactMaxP()) {
      inverse = factor(system);
      log.printf(Locale.ROOT, "A (%d×%d) built in one pass and factored (%.2f s)%n", p, p, (System.nanoTime() - t0) / 1e9);
    } else {
      inverse = lowRank(problem, inner.x(), settings, log);
    }
    double solveSeconds = (System.nanoTime() - t0) / 1e9;
    return new Result(inner.x(), inner, null, Double.NaN, system, innerSeconds, solveSeconds, inverse);
  }

  /**
   * A⁻¹ at x approximated with rank {@code selfRank} ({@link LowRankInverse}: the regulariser's
   * diagonal exact, the data's curvature on a subspace found in powerSteps + 2 block passes). An
   * intercept, which no regulariser touches, takes its own curvature A_jj (one more pass).
   */
  public static LowRankInverse lowRank(GlmBilevelProblem problem, double[] x, Settings settings, PrintStream log) {
    long t0 = System.nanoTime();
    int p = problem.p();
    double[] d = problem.regularizerDiagonal();
    int[] free = java.util.stream.IntStream.range(0, p).filter(j -> !(d[j] > 0)).toArray();
    int intercepts = problem.intercept() ? problem.loss().outputs() : 0;
    if (free.length > intercepts) {
      throw new IllegalArgumentException(free.length + " of the " + p + " coefficients are not regularised (rho·λ² + "
          + "model_ridge = 0 there); beyond exact_max_p self-influence approximates A⁻¹ around the regulariser, which must "
          + "cover every coefficient but the intercepts");
    }
    if (free.length > 0) {
      double[] units = new double[p * free.length];
      double[] columns = new double[p * free.length];
      for (int m = 0; m < free.length; m++) {
        units[m * p + free[m]] = 1;
      }
      problem.innerHessianProduct(x, null, units, free.length, columns);
      for (int m = 0; m < free.length; m++) {
        d[free[m]] = columns[m * p + free[m]];
      }
    }
    LowRankInverse inverse = LowRankInverse.of((vs, k, out) -> problem.innerHessianProduct(x, null, vs, k, out), d,
        settings.selfRank(), settings.powerSteps(), settings.seed());
    double[] theta = inverse.ritzValues();
    log.printf(Locale.ROOT, "A⁻¹ approximated with rank %d (p = %d above exact_max_p = %d; %d block passes): the scaled "
        + "Hessian's Ritz values from %.4g to %.4g (1: the regulariser alone) (%.2f s)%n", inverse.rank(), p,
        settings.exactMaxP(), settings.powerSteps() + 2, theta[0], theta[theta.length - 1], (System.nanoTime() - t0) / 1e9);
    return inverse;
  }

  /** x* by Newton-CG from {@code x0} (zeros when null), logged. */
  public static NewtonCg.Result innerSolve(GlmBilevelProblem problem, double[] x0, Settings settings, PrintStream log) {
    long t0 = System.nanoTime();
    NewtonCg.Result inner = NewtonCg.solve(problem, x0 == null ? new double[problem.p()] : x0.clone(),
        settings.innerTol(), settings.innerMaxIter());
    log.printf(Locale.ROOT, "inner solve: Newton-CG, %d steps, ‖∇ₓg‖ = %.3e (%.1e relative)%s in %.2f s%n",
        inner.iterations(), inner.gradNorm(), inner.gradNorm() / inner.startNorm(), inner.converged() ? ""
            : " — NOT converged", (System.nanoTime() - t0) / 1e9);
    return inner;
  }

  /**
   * Refuses a dense p×p Hessian above {@code limit} (exact_max_p: 8p² bytes on the driver and on each
   * executor), before any work: "{@code what} the dense p×p Hessian, above the limit …; {@code advice}".
   */
  public static void requireDense(int p, int limit, String what, String advice) {
    if (p > limit) {
      throw new IllegalArgumentException(what + " the dense " + p + "×" + p + " Hessian, above the limit of p = " + limit
          + " (exact_max_p; it costs 8p² bytes on the driver and on each executor); " + advice);
    }
  }

  /** A's Cholesky factor at the system's x (the dense A in one pass). */
  public static DenseCholesky factor(GlmLinearSystem system) {
    return DenseCholesky.factor(system.denseA(), system.p());
  }

  /** x* from {@code x0} (zeros when null), then s. */
  public static Result run(GlmBilevelProblem problem, double[] x0, Settings settings, PrintStream log) {
    long t0 = System.nanoTime();
    NewtonCg.Result inner = innerSolve(problem, x0, settings, log);
    double innerSeconds = (System.nanoTime() - t0) / 1e9;
    GlmLinearSystem system = problem.linearSystemAt(inner.x());
    t0 = System.nanoTime();
    double[] s = solve(settings, system, log);
    double solveSeconds = (System.nanoTime() - t0) / 1e9;
    double residual = relativeResidual(system, s);
    log.printf(Locale.ROOT, "s = A⁻¹c by %s: ‖s‖ = %.6g, ‖As − c‖/‖c‖ = %.2e (%.2f s)%n", settings.spec().label(),
        Blas.norm(s), residual, solveSeconds);
    return new Result(inner.x(), inner, s, residual, system, innerSeconds, solveSeconds, null);
  }

  private static double[] solve(Settings settings, GlmLinearSystem system, PrintStream log) {
    EstimatorSpec spec = settings.spec();
    if (!spec.method().isIterative()) {
      DirectSolution sol = Estimators.solveDirect(spec, system, settings.exactMaxP());
      if (!sol.converged()) {
        log.printf(Locale.ROOT, "WARNING: %s stopped after %d iterations at relative residual %.2e%n", spec.label(),
            sol.iterations(), sol.residual());
      }
      return sol.x();
    }
    // the chain's T·b rows come to the driver in one pass (size T·b, not n); the chain runs on them
    CounterSampler sampler = new CounterSampler(settings.seed(), system.rowCount(), settings.batch());
    long t0 = System.nanoTime();
    GlmLinearSystem gathered = system.gathered(sampler, 1, settings.iterations(), false);
    log.printf(Locale.ROOT, "gathered the %d distinct rows a chain of %d × %d draws (%.2f s)%n",
        gathered.problem().train().size(), settings.iterations(), settings.batch(), (System.nanoTime() - t0) / 1e9);
    return new ChainRunner(gathered, new double[system.q()], settings.divergenceFactor()).solve(spec, sampler, 0,
        settings.iterations());
  }

  /** ‖A·s − c‖/‖c‖: one pass. */
  public static double relativeResidual(GlmLinearSystem system, double[] s) {
    double[] as = new double[s.length];
    system.applyA(s, as);
    return Blas.distance(as, system.c()) / Math.max(Blas.norm(system.c()), Double.MIN_NORMAL);
  }
}
