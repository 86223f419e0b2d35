package io.hypergrad.hpo;

import io.hypergrad.bilevel.BilevelOracle;
import io.hypergrad.bilevel.GlmBilevelOracle;
import io.hypergrad.config.JobConfig;
import io.hypergrad.estimator.DirectSolution;
import io.hypergrad.estimator.EstimatorSpec;
import io.hypergrad.estimator.Estimators;
import io.hypergrad.model.GlmBilevelProblem;
import io.hypergrad.model.GlmLinearSystem;
import io.hypergrad.model.InnerObjective;
import io.hypergrad.oracle.CounterSampler;
import io.hypergrad.oracle.StochasticLinearSystem;
import io.hypergrad.plan.ExecutionPlan;
import io.hypergrad.rows.RowSource;
import io.hypergrad.run.ChainRunner;
import io.hypergrad.task.GlmData;
import io.hypergrad.task.GlmTask;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * What the {@code hpo} job's outer loop needs of a bilevel GLM problem, wherever its rows live: the
 * inner objective at the current λ, the hypergradient at an inner point (an iterative method's chain
 * runs on the rows it draws, gathered in one pass when they are partitioned), and the loss and
 * accuracy of every split.
 */
public final class HpoProblem {
  private GlmBilevelProblem problem;
  private final RowSource test;
  private final String plan;

  /** The problem, and the data it was built over. */
  record Built(HpoProblem problem, GlmData data) {}

  /** The config's problem at λ₀ on the plan it resolves to: driver or distributed. */
  static Built build(JobConfig cfg, PrintStream log) {
    List<String> offered = List.of(ExecutionPlan.DRIVER, ExecutionPlan.DISTRIBUTED);
    String configured = ExecutionPlan.configured(cfg, offered);
    int batch = cfg.getPositiveInt("batch");
    GlmData data = GlmData.load(cfg, log, (n, features) -> ExecutionPlan.resolve(configured, n, features, batch, offered,
        log));
    return new Built(over(cfg, data, log), data);
  }

  /** The config's problem at λ₀ over data already loaded (a job's, or the DataFrame a stage is fitted on). */
  static HpoProblem over(JobConfig cfg, GlmData data, PrintStream log) {
    long start = System.nanoTime();
    GlmBilevelProblem problem = GlmTask.problem(cfg, data);
    RowSource test = data.rows("test");
    if (test != null) {
      GlmBilevelProblem.checkLabels(problem.loss(), test);
    }
    log.printf(Locale.ROOT, "hpo: plan %s, %s + %s on %d/%d/%d rows%s, p = %d, q = %d (%.1f s)%n", data.plan(),
        problem.loss().name(), problem.hyperModel().name(), problem.train().size(), problem.validation().size(),
        test == null ? 0 : test.size(), data.onSpark() ? " in " + cfg.getPositiveInt("partitions") + " partitions" : "",
        problem.p(), problem.hyperModel().q(), (System.nanoTime() - start) / 1e9);
    return new HpoProblem(problem, test, data.plan());
  }

  /** @param test the test rows, or null */
  HpoProblem(GlmBilevelProblem problem, RowSource test, String plan) {
    this.problem = problem;
    this.test = test;
    this.plan = plan;
  }

  int p() {
    return problem.p();
  }

  int q() {
    return problem.hyperModel().q();
  }

  int rowCount() {
    return problem.train().splitSize();
  }

  int validationRowCount() {
    return problem.validation().size();
  }

  /** driver or distributed. */
  String plan() {
    return plan;
  }

  /** λ now. */
  double[] lambda() {
    return problem.hyperModel().lambda();
  }

  /** Moves the problem to another λ. */
  void setLambda(double[] lambda) {
    GlmBilevelProblem next = problem.withLambda(lambda);
    problem.releaseWeights();
    problem = next;
  }

  /** The GLM problem at the current λ (FDS trains it by SGD through its minibatch oracle). */
  GlmBilevelProblem glm() {
    return problem;
  }

  /** g(·, λ) at the current λ. */
  InnerObjective inner() {
    return problem;
  }

  /** The joint methods' oracle at the current λ. */
  BilevelOracle jointOracle() {
    return new GlmBilevelOracle(problem);
  }

  /**
   * v = d − B·s with s ≈ A⁻¹c at x by {@code spec}: an iterative method runs one chain of
   * {@code depth} iterations on the minibatches {@code sampler} draws, cg/exact solve directly.
   */
  double[] hypergradient(double[] x, EstimatorSpec spec, CounterSampler sampler, int depth, double divergenceFactor,
      int exactMaxP) {
    GlmLinearSystem full = problem.linearSystemAt(x);
    StochasticLinearSystem chain = full;
    if (spec.method().isIterative()) {
      // an instance-weighted model needs every row: B·z reads them all
      chain = full.gathered(sampler, 1, depth, problem.hyperModel().instanceWise());
    }
    return readOut(full, solve(spec, chain, sampler, depth, divergenceFactor, exactMaxP));
  }

  /** s ≈ A⁻¹c on {@code system} by {@code spec}. */
  static double[] solve(EstimatorSpec spec, StochasticLinearSystem system, CounterSampler sampler, int depth,
      double divergenceFactor, int exactMaxP) {
    if (spec.method().isIterative()) {
      return new ChainRunner(system, new double[system.q()], divergenceFactor).solve(spec, sampler, 0, depth);
    }
    DirectSolution sol = Estimators.solveDirect(spec, system, exactMaxP);
    return sol.x();
  }

  /** v = d − B·s. */
  static double[] readOut(StochasticLinearSystem system, double[] s) {
    double[] v = system.d().clone();
    double[] bs = new double[system.q()];
    system.applyB(s, bs);
    for (int j = 0; j < v.length; j++) {
      v[j] -= bs[j];
    }
    return v;
  }

  /** {train loss, train accuracy, val loss, val accuracy, test loss, test accuracy} at x (NaN where undefined). */
  double[] evaluate(double[] x) {
    double[] out = new double[6];
    boolean classifies = problem.loss().classifies();
    meanInto(problem.trainLossAndCorrect(x), problem.train().size(), classifies, out, 0);
    meanInto(problem.validationLossAndCorrect(x), problem.validation().size(), classifies, out, 2);
    meanInto(test == null ? new double[2] : test.lossAndCorrect(problem.loss(), x), test == null ? 0 : test.size(), classifies,
        out, 4);
    return out;
  }

  /** Mean loss and accuracy from {Σ loss, correct} over {@code n} rows. */
  private static void meanInto(double[] sums, int n, boolean classifies, double[] out, int at) {
    out[at] = n == 0 ? Double.NaN : sums[0] / n;
    out[at + 1] = n == 0 || !classifies ? Double.NaN : sums[1] / n;
  }

  /** The mean validation loss at x (a student's fitness). */
  double validationLoss(double[] x) {
    return problem.validationLossAndCorrect(x)[0] / problem.validation().size();
  }

  /** Frees the current λ's row weights but not the rows (a student's copy of a shared problem). */
  void releaseWeights() {
    problem.releaseWeights();
  }

  void release() {
    if (test != null) {
      test.release();
    }
    problem.release();
  }
}
