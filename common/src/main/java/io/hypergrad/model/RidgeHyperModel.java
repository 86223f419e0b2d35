package io.hypergrad.model;

/** {@code l2}: R = (ρ/2)·λ²·‖x‖², one hyperparameter. */
public final class RidgeHyperModel extends FeatureWiseHyperModel {
  private final double rho;
  private final double lambda;

  public RidgeHyperModel(double rho, double lambda) {
    this.rho = positive("rho", rho);
    this.lambda = lambda;
  }

  @Override
  public String name() {
    return "l2";
  }

  @Override
  public int q() {
    return 1;
  }

  @Override
  public HyperModel withLambda(double[] lambda) {
    HyperModel.requireLength(lambda, q());
    return new RidgeHyperModel(rho, lambda[0]);
  }

  @Override
  public double[] lambda() {
    return new double[] {lambda};
  }

  @Override
  public double regularizer(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v * v;
    }
    return 0.5 * rho * lambda * lambda * s;
  }

  @Override
  public void addRegularizerGradient(double[] x, double[] out) {
    double c = rho * lambda * lambda;
    for (int j = 0; j < x.length; j++) {
      out[j] += c * x[j];
    }
  }

  @Override
  public void addRegularizerHessianProduct(double[] vs, int k, double[] out) {
    double c = rho * lambda * lambda;
    for (int j = 0; j < vs.length; j++) {
      out[j] += c * vs[j];
    }
  }

  @Override
  public void applyRegularizerCross(double[] x, double[] z, double[] out) {
    double s = 0;
    for (int j = 0; j < x.length; j++) {
      s += x[j] * z[j];
    }
    out[0] = 2 * rho * lambda * s;
  }
}
