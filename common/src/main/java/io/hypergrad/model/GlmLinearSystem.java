package io.hypergrad.model;

import io.hypergrad.oracle.CounterSampler;
import io.hypergrad.oracle.LinearSystemBase;
import io.hypergrad.rows.RowSource;
import io.hypergrad.rows.SampledRequest;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.util.List;

/**
 * The hypergradient's linear system of a {@link GlmBilevelProblem} at x*: A = ∇²ₓₓg, B = ∂_λ∇ₓg,
 * c = ∇ₓf, d = 0, each product a sum over the problem's rows wherever they live. Rows are sampled
 * by split index (the counter-based sampler's choice), so the same chain computes the same numbers
 * over rows in this JVM, over partitions, or over the rows {@link #gathered} for a chain task.
 */
public final class GlmLinearSystem extends LinearSystemBase {
  private static final long serialVersionUID = 1L;

  private final GlmBilevelProblem problem;
  private final double[] x;
  // B·z at x (residuals computed once where the rows are local); rebuilt where the system is deserialized
  private transient RowSource.PerRowCross cross;

  GlmLinearSystem(GlmBilevelProblem problem, double[] x, double[] c) {
    super(c, new double[problem.hyperModel().q()], problem.train().splitSize());
    this.problem = problem;
    this.x = x;
    this.cross = problem.crossAt(x);
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    cross = problem.crossAt(x);
  }

  public GlmBilevelProblem problem() {
    return problem;
  }

  /** x*, the point the system was built at. */
  public double[] x() {
    return x.clone();
  }

  /**
   * The same system over the training rows that chains 0 … chains−1 of {@code sampler} draw in
   * {@code iterations} iterations (every row when {@code all}, as B·z of an instance-weighted model
   * needs), held in this JVM: one gathering pass when the rows are partitioned, itself when local.
   */
  public GlmLinearSystem gathered(CounterSampler sampler, int chains, long iterations, boolean all) {
    RowSource rows = problem.train().gather(sampler, chains, 0, iterations, all);
    return rows == problem.train() ? this : new GlmLinearSystem(problem.withTrainRowsOnly(rows), x, c());
  }

  /** Several chains' sampled products at once (one pass where the rows are partitioned). */
  public List<double[]> sampledProducts(List<SampledRequest> requests) {
    return problem.sampledProducts(x, requests);
  }






  @Override
  public void applyB(double[] z, double[] out) {
    cross.apply(z, out);
  }

  /** Over the rows held: the full batch (for gathered rows, the mean over those; only divergence reports use it). */
  @Override
  public void applyA(double[] v, double[] out) {
    problem.innerHessianProduct(x, null, v, 1, out);
  }

  @Override
  public void applySampledA(int[] rows, double[] vectors, int k, double[] out) {
    problem.innerHessianProduct(x, rows, vectors, k, out);
  }

  @Override
  public double[] denseA() {
    return problem.denseInnerHessian(x);
  }
}
