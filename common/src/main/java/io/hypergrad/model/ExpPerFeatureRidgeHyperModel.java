package io.hypergrad.model;

/**
 * {@code l2-exp-per-feature}: R = ½·Σⱼ exp(λⱼ)·xⱼ² (benchopt's IJCNN1 task, the NBO paper's HPO):
 * the log of each parameter's L2 strength is the hyperparameter, so any real λ is valid.
 */
public final class ExpPerFeatureRidgeHyperModel extends FeatureWiseHyperModel {
  private static final long serialVersionUID = 1L;
  private final double[] strength;

  public ExpPerFeatureRidgeHyperModel(double[] lambda) {
    super("l2-exp-per-feature", lambda);
    this.strength = new double[lambda.length];
    for (int j = 0; j < lambda.length; j++) {
      if (!Double.isFinite(lambda[j])) {
        throw new IllegalArgumentException("lambda[" + j + "] must be finite, got " + lambda[j]);
      }
      strength[j] = Math.exp(lambda[j]);
    }
  }

  @Override
  protected HyperModel at(double[] lambda) {
    return new ExpPerFeatureRidgeHyperModel(lambda);
  }

  @Override
  public double regularizer(double[] x) {
    double s = 0;
    for (int j = 0; j < x.length; j++) {
      s += strength[j] * x[j] * x[j];
    }
    return 0.5 * s;
  }

  @Override
  public void addRegularizerGradient(double[] x, double[] out) {
    for (int j = 0; j < x.length; j++) {
      out[j] += strength[j] * x[j];
    }
  }

  @Override
  public void addRegularizerHessianProduct(double[] vs, int k, double[] out) {
    int p = lambda.length;
    for (int m = 0; m < k; m++) {
      for (int j = 0; j < p; j++) {
        out[m * p + j] += strength[j] * vs[m * p + j];
      }
    }
  }

  /** ∂_λⱼ(∇ₓR)ⱼ = exp(λⱼ)·xⱼ. */
  @Override
  public void applyRegularizerCross(double[] x, double[] z, double[] out) {
    for (int j = 0; j < x.length; j++) {
      out[j] = strength[j] * x[j] * z[j];
    }
  }
}
