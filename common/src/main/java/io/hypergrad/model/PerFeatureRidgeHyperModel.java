package io.hypergrad.model;

/** {@code l2-per-feature}: R = (ρ/2)·Σⱼ λⱼ²·xⱼ², one hyperparameter per parameter (the paper's 'multi'). */
public final class PerFeatureRidgeHyperModel extends FeatureWiseHyperModel {
  private static final long serialVersionUID = 1L;
  private final double rho;

  public PerFeatureRidgeHyperModel(double rho, double[] lambda) {
    super("l2-per-feature", lambda);
    this.rho = positive("rho", rho);
  }

  @Override
  protected HyperModel at(double[] lambda) {
    return new PerFeatureRidgeHyperModel(rho, lambda);
  }

  @Override
  public double regularizer(double[] x) {
    double s = 0;
    for (int j = 0; j < x.length; j++) {
      s += lambda[j] * lambda[j] * x[j] * x[j];
    }
    return 0.5 * rho * s;
  }

  @Override
  public void addRegularizerGradient(double[] x, double[] out) {
    for (int j = 0; j < x.length; j++) {
      out[j] += rho * lambda[j] * lambda[j] * x[j];
    }
  }

  @Override
  public void addRegularizerHessianProduct(double[] vs, int k, double[] out) {
    int p = lambda.length;
    for (int m = 0; m < k; m++) {
      for (int j = 0; j < p; j++) {
        out[m * p + j] += rho * lambda[j] * lambda[j] * vs[m * p + j];
      }
    }
  }

  @Override
  public void applyRegularizerCross(double[] x, double[] z, double[] out) {
    for (int j = 0; j < x.length; j++) {
      out[j] = 2 * rho * lambda[j] * x[j] * z[j];
    }
  }
}
