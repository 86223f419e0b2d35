package io.hypergrad.jobs;

import io.hypergrad.estimator.EstimatorSpec;
import io.hypergrad.model.InnerObjective;
import io.hypergrad.oracle.CounterSampler;
import io.hypergrad.oracle.StochasticLinearSystem;
import io.hypergrad.spark.ChainContext;
import io.hypergrad.spark.DistributedGlmProblem;
import io.hypergrad.spark.DistributedGlmSystem;
import io.hypergrad.spark.GatheredRows;
import io.hypergrad.spark.RowPartition;
import org.apache.spark.api.java.JavaRDD;

/**
 * The {@code hpo} problem with its rows cached on the executors (plan distributed): every inner
 * gradient and every evaluation is one pass; a hypergradient gathers the rows its chain draws in one
 * pass and runs the chain on them here, then reads out B·s with the full rows (one pass for
 * instance-weighted hyper-models, none for regularisers).
 */
final class DistributedHpoProblem implements HpoProblem {
  private DistributedGlmProblem problem;
  private final JavaRDD<RowPartition> test;
  private final int testCount;

  DistributedHpoProblem(DistributedGlmProblem problem, JavaRDD<RowPartition> test, int testCount) {
    this.problem = problem;
    this.test = test == null ? null : test.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    this.testCount = testCount;
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
    return problem.rowCount();
  }

  @Override
  public String plan() {
    return "distributed";
  }

  @Override
  public double[] lambda() {
    return problem.hyperModel().lambda();
  }

  @Override
  public void setLambda(double[] lambda) {
    DistributedGlmProblem next = problem.withLambda(lambda);
    problem.releaseWeights();
    problem = next;
  }

  @Override
  public InnerObjective inner() {
    return problem;
  }

  @Override
  public double[] hypergradient(double[] x, EstimatorSpec spec, CounterSampler sampler, int depth, double divergenceFactor,
      int exactMaxP) {
    DistributedGlmSystem full = problem.linearSystemAt(x);
    try {
      StochasticLinearSystem chain = full;
      if (spec.method().isIterative()) {
        // an instance-weighted model needs every row: its sampled products index the weights by split row
        GatheredRows rows = full.gather(sampler, 1, depth, problem.hyperModel().instanceWise());
        chain = new ChainContext(full, rows).system();
      }
      return HpoProblem.readOut(full, HpoProblem.solve(spec, chain, sampler, depth, divergenceFactor, exactMaxP));
    } finally {
      full.release();
    }
  }

  @Override
  public double[] evaluate(double[] x) {
    double[] out = new double[6];
    boolean classifies = problem.loss().classifies();
    HpoProblem.meanInto(DistributedGlmProblem.lossAndCorrect(problem.trainRows(), problem.loss(), x), problem.rowCount(),
        classifies, out, 0);
    HpoProblem.meanInto(DistributedGlmProblem.lossAndCorrect(problem.validationRows(), problem.loss(), x),
        problem.validationCount(), classifies, out, 2);
    HpoProblem.meanInto(test == null ? new double[2] : DistributedGlmProblem.lossAndCorrect(test, problem.loss(), x),
        test == null ? 0 : testCount, classifies, out, 4);
    return out;
  }

  @Override
  public int validationRowCount() {
    return problem.validationCount();
  }

  /** The joint methods' oracle: full batches as passes, each window's minibatch rows gathered in one pass. */
  @Override
  public io.hypergrad.bilevel.BilevelOracle jointOracle() {
    return new io.hypergrad.spark.DistributedBilevelOracle(problem);
  }

  @Override
  public void release() {
    if (test != null) {
      test.unpersist(false);
    }
    problem.release();
  }
}
