package io.hypergrad.model;

/** {@code l2}: R = (ρ/2)·λ²·‖x‖², one hyperparameter. */
public final class RidgeHyperModel extends FeatureWiseHyperModel {
  private static final long serialVersionUID = 1L;
  private final double rho;
  // λ's one entry
  private final double l;

  public RidgeHyperModel(double rho, double lambda) {
    super("l2", new double[] {lambda});
    this.rho = positive("rho", rho);
    this.l = lambda;
  }

  @Override
  protected HyperModel at(double[] lambda) {
    return new RidgeHyperModel(rho, lambda[0]);
  }

  @Override
  public double regularizer(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v * v;
    }
    return 0.5 * rho * l * l * s;
  }

  @Override
  public void addRegularizerGradient(double[] x, double[] out) {
    double c = rho * l * l;
    for (int j = 0; j < x.length; j++) {
      out[j] += c * x[j];
    }
  }

  @Override
  public void addRegularizerHessianProduct(double[] vs, int k, double[] out) {
    double c = rho * l * l;
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
    out[0] = 2 * rho * l * s;
  }
}
