package io.hypergrad.bilevel;

import io.hypergrad.model.GlmBilevelProblem;
import io.hypergrad.oracle.CounterSampler;

/**
 * The joint methods' oracle over a GLM bilevel problem, wherever its rows live. Full-batch
 * quantities are the problem's (one pass each on partitioned rows). Minibatch quantities run on the
 * window: the problem itself when it holds its rows, else the rows that {@link #prepare} gathered in
 * one pass per split for the coming iterations — the same sums in the same order, so a run is bit
 * for bit the same on rows here or on one partition.
 */
public final class GlmBilevelOracle implements BilevelOracle {
  private GlmBilevelProblem problem;
  private GlmBilevelProblem window;
  private double[] lambda;
  /** Whether {@link #problem} is one this oracle made by moving λ (its weights are ours to free). */
  private boolean ownsProblem;

  public GlmBilevelOracle(GlmBilevelProblem problem) {
    this.problem = problem;
    this.window = problem.holdsRows() ? problem : null;
    this.lambda = problem.hyperModel().lambda();
  }

  public GlmBilevelProblem problem() {
    return problem;
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
  public int trainRows() {
    return problem.train().splitSize();
  }

  @Override
  public int validationRows() {
    return problem.validation().splitSize();
  }

  @Override
  public void prepare(CounterSampler inner, CounterSampler outer, long from, long to) {
    window = problem.window(inner, outer, from, to);
  }

  @Override
  public void setLambda(double[] next) {
    if (!java.util.Arrays.equals(next, lambda)) {
      GlmBilevelProblem moved = problem.withLambda(next);
      window = window == null ? null : window == problem ? moved : window.withLambda(next);
      if (ownsProblem) {
        problem.releaseWeights();
      }
      problem = moved;
      ownsProblem = true;
      lambda = next.clone();
    }
  }

  /** Frees the row weights of the λ this oracle moved to; the problem it was given stays its owner's. */
  @Override
  public void release() {
    if (ownsProblem) {
      problem.releaseWeights();
    }
  }

  private GlmBilevelProblem window() {
    if (window == null) {
      throw new IllegalStateException("prepare() was not called before a minibatch call");
    }
    return window;
  }

  @Override
  public void innerGradient(double[] x, int[] rows, double[] out) {
    (rows == null ? problem : window()).innerGradient(x, rows, out);
  }

  @Override
  public void innerHessianProduct(double[] x, int[] rows, double[] v, double[] out) {
    (rows == null ? problem : window()).innerHessianProduct(x, rows, v, 1, out);
  }

  @Override
  public void crossProduct(double[] x, int[] rows, double[] v, double[] out) {
    if (rows == null) {
      problem.crossProduct(x, v, out);
    } else {
      window().crossProduct(x, rows, v, out);
    }
  }

  @Override
  public void outerGradient(double[] x, int[] rows, double[] out) {
    (rows == null ? problem : window()).outerGradient(x, rows, out);
  }

  @Override
  public void dataGradient(double[] x, int row, double[] out) {
    window().dataGradient(x, row, out);
  }

  @Override
  public double[] regularizerHessianDiagonal() {
    return problem.regularizerHessianDiagonal();
  }
}
