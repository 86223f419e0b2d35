package io.hypergrad.spark;

import io.hypergrad.model.DenseGlmHessian;
import io.hypergrad.model.GlmLoss;
import io.hypergrad.oracle.CounterSampler;
import io.hypergrad.oracle.StochasticLinearSystem;
import java.util.List;
import org.apache.spark.broadcast.Broadcast;

/**
 * The hypergradient's linear system of a {@link DistributedGlmProblem} at x*: every product is one
 * pass over the cached partitions with x* broadcast once (see the problem for the summation order).
 * Rows are sampled by global index (the counter-based sampler's choice, a pure function of (seed,
 * chain, t)), so a minibatch is spread over the partitions holding its rows — in proportion to
 * their row counts in expectation — and a batch of one row gives bit for bit the single-machine
 * product whatever the partitioning.
 */
public final class DistributedGlmSystem implements StochasticLinearSystem {
  private final DistributedGlmProblem problem;
  private final Broadcast<double[]> x;
  private final double[] c;
  private final double[] d;

  DistributedGlmSystem(DistributedGlmProblem problem, double[] xStar) {
    this.problem = problem;
    this.x = problem.jsc.broadcast(xStar.clone());
    this.c = problem.outerGradient(xStar);
    this.d = new double[problem.hyper.q()];
  }

  public DistributedGlmProblem problem() {
    return problem;
  }

  public double[] x() {
    return x.value().clone();
  }

  @Override
  public int p() {
    return problem.p;
  }

  @Override
  public int q() {
    return problem.hyper.q();
  }

  @Override
  public int rowCount() {
    return problem.n;
  }

  @Override
  public double[] c() {
    return c;
  }

  @Override
  public double[] d() {
    return d;
  }

  @Override
  public void applyA(double[] v, double[] out) {
    problem.hessianProduct(x.value(), null, v, 1, out);
  }

  @Override
  public void applySampledA(int[] rows, double[] vectors, int k, double[] out) {
    problem.hessianProduct(x.value(), rows, vectors, k, out);
  }

  /** Several chains' sampled products in one pass (see {@link PassCoalescer}). */
  public java.util.List<double[]> sampledProducts(java.util.List<SampledRequest> requests) {
    return problem.sampledProducts(x.value(), requests);
  }

  /** The dense A for {@code exact}: per-partition dense loss Hessians, added in partition order, plus the regulariser. */
  @Override
  public double[] denseA() {
    GlmLoss l = problem.loss;
    Broadcast<double[]> xb = x;
    Broadcast<double[]> wb = problem.weights;
    int rowsTotal = problem.n;
    int f = problem.featureCount;
    int p = problem.p;
    double[] sum = DistributedGlmProblem.sumInOrder(
        problem.train.map(part -> part.denseHessian(l, xb.value(), DistributedGlmProblem.valueOf(wb), rowsTotal, f)).collect(), p * p);
    return DenseGlmHessian.addRegularizer(problem.hyper, problem.modelRidge, sum);
  }

  @Override
  public void applyB(double[] z, double[] out) {
    if (!problem.hyper.instanceWise()) {
      problem.hyper.applyRegularizerCross(x.value(), z, out);
      return;
    }
    GlmLoss l = problem.loss;
    Broadcast<double[]> xb = x;
    Broadcast<double[]> db = problem.weightDerivatives;
    int rowsTotal = problem.n;
    int f = problem.featureCount;
    double[] zz = z.clone();
    List<double[]> slices = problem.train.map(part -> part.crossProduct(l, xb.value(), db.value(), rowsTotal, zz, f)).collect();
    int at = 0;
    for (double[] slice : slices) {
      System.arraycopy(slice, 0, out, at, slice.length);
      at += slice.length;
    }
  }

  /**
   * One pass: the training rows drawn by chains 0 … chains−1 of {@code sampler} over
   * {@code iterations} iterations (every row when {@code all}, as instance-weighted hyper-models
   * need for B·z). Each partition draws the samples itself and keeps those in its range.
   */
  public GatheredRows gather(CounterSampler sampler, int chains, int iterations, boolean all) {
    return DistributedGlmProblem.gather(problem.train, sampler, chains, 0, iterations, all);
  }

  /** Drops x*'s broadcast (the problem's rows stay cached). */
  public void release() {
    x.destroy();
  }
}
