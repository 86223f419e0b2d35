package io.hypergrad.bilevel;

import io.hypergrad.model.GlmBilevelProblem;

/** The joint methods' oracle over a GLM bilevel problem held in this JVM. */
public final class GlmBilevelOracle implements BilevelOracle {
  private GlmBilevelProblem problem;
  private double[] lambda;

  public GlmBilevelOracle(GlmBilevelProblem problem) {
    this.problem = problem;
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
    return problem.train().size();
  }

  @Override
  public int validationRows() {
    return problem.validation().size();
  }

  @Override
  public void setLambda(double[] next) {
    if (!java.util.Arrays.equals(next, lambda)) {
      problem = problem.withLambda(next);
      lambda = next.clone();
    }
  }

  @Override
  public void innerGradient(double[] x, int[] rows, double[] out) {
    if (rows == null) {
      problem.innerGradient(x, out);
    } else {
      problem.innerGradient(x, rows, out);
    }
  }

  @Override
  public void innerHessianProduct(double[] x, int[] rows, double[] v, double[] out) {
    problem.innerHessianProduct(x, rows, v, 1, out);
  }

  @Override
  public void crossProduct(double[] x, int[] rows, double[] v, double[] out) {
    if (rows == null) {
      problem.crossProduct(x, v, out);
    } else {
      problem.crossProduct(x, rows, v, out);
    }
  }

  @Override
  public void outerGradient(double[] x, int[] rows, double[] out) {
    if (rows == null) {
      problem.outerGradient(x, out);
    } else {
      problem.outerGradient(x, rows, out);
    }
  }

  @Override
  public void dataGradient(double[] x, int row, double[] out) {
    problem.dataGradient(x, row, out);
  }

  @Override
  public double[] regularizerHessianDiagonal() {
    return problem.regularizerHessianDiagonal();
  }
}
