package io.hypergrad.jobs;

import io.hypergrad.estimator.EstimatorSpec;
import io.hypergrad.model.GlmBilevelProblem;
import io.hypergrad.model.InnerObjective;
import io.hypergrad.model.LabeledRows;
import io.hypergrad.model.RowBlock;
import io.hypergrad.oracle.CounterSampler;
import io.hypergrad.oracle.StochasticLinearSystem;

/** The {@code hpo} problem with every row in this JVM (plan driver). */
final class DriverHpoProblem implements HpoProblem {
  private GlmBilevelProblem problem;
  // the problem holds the training and validation rows as blocks; the test rows are only evaluated
  private final RowBlock test;

  DriverHpoProblem(GlmBilevelProblem problem, LabeledRows test) {
    this.problem = problem;
    this.test = test.size() == 0 ? null : RowBlock.of(test.features(), test.labels(), test.featureCount());
  }

  @Override
  public int p() {
    return problem.p();
  }

  @Override
  public int q() {
    return problem.hyperModel().q();
  }

  @Override
  public int rowCount() {
    return problem.train().size();
  }

  @Override
  public String plan() {
    return "driver";
  }

  @Override
  public double[] lambda() {
    return problem.hyperModel().lambda();
  }

  @Override
  public void setLambda(double[] lambda) {
    problem = problem.withLambda(lambda);
  }

  @Override
  public InnerObjective inner() {
    return problem;
  }

  @Override
  public double[] hypergradient(double[] x, EstimatorSpec spec, CounterSampler sampler, int depth, double divergenceFactor,
      int exactMaxP) {
    StochasticLinearSystem system = problem.linearSystemAt(x);
    return HpoProblem.readOut(system, HpoProblem.solve(spec, system, sampler, depth, divergenceFactor, exactMaxP));
  }

  @Override
  public double[] evaluate(double[] x) {
    double[] out = new double[6];
    boolean classifies = problem.loss().classifies();
    HpoProblem.meanInto(problem.trainLossAndCorrect(x), problem.train().size(), classifies, out, 0);
    HpoProblem.meanInto(problem.validationLossAndCorrect(x), problem.validation().size(), classifies, out, 2);
    HpoProblem.meanInto(test == null ? new double[2] : test.lossAndCorrect(problem.loss(), x), test == null ? 0 : test.size(),
        classifies, out, 4);
    return out;
  }

  @Override
  public void release() {
  }

  @Override
  public int validationRowCount() {
    return problem.validation().size();
  }

  @Override
  public io.hypergrad.bilevel.BilevelOracle jointOracle() {
    return new io.hypergrad.bilevel.GlmBilevelOracle(problem);
  }
}
