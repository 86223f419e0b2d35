package io.hypergrad.trajectory;

import io.hypergrad.model.GlmBilevelProblem;

/**
 * What differentiating through an SGD trajectory needs of a problem: minibatch gradients and
 * minibatch Hessian products of the training loss (k vectors in one pass, so the tangents ride
 * the iterate's pass), and the validation loss and gradient at the end.
 */
public interface TrajectoryOracle {
  int p();

  /** Training rows the sampler draws from. */
  int trainRows();

  /** out ← ∇g_S(x) over the rows S (with repeats). */
  void gradient(double[] x, int[] rows, double[] out);

  /** out ← ∇²g_S(x)·V for the k columns of V (p×k, column-major). */
  void hessianProducts(double[] x, int[] rows, double[] vs, int k, double[] out);

  double validationLoss(double[] x);

  /** out ← ∇f(x). */
  void validationGradient(double[] x, double[] out);

  /** A GLM bilevel problem's inner (training) objective at its λ and its outer (validation) loss. */
  static TrajectoryOracle of(GlmBilevelProblem problem) {
    return of(problem, problem);
  }

  /**
   * Minibatches from {@code train} (e.g. the problem over the rows a trajectory draws, gathered from
   * the executors in one pass), the validation loss from {@code validation} (over all its rows).
   */
  static TrajectoryOracle of(GlmBilevelProblem train, GlmBilevelProblem validation) {
    return new TrajectoryOracle() {
      @Override
      public int p() {
        return train.p();
      }

      @Override
      public int trainRows() {
        return train.train().splitSize();
      }

      @Override
      public void gradient(double[] x, int[] rows, double[] out) {
        train.innerGradient(x, rows, out);
      }

      @Override
      public void hessianProducts(double[] x, int[] rows, double[] vs, int k, double[] out) {
        train.innerHessianProduct(x, rows, vs, k, out);
      }

      @Override
      public double validationLoss(double[] x) {
        return validation.outerLoss(x);
      }

      @Override
      public void validationGradient(double[] x, double[] out) {
        validation.outerGradient(x, out);
      }
    };
  }
}
