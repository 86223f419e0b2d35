package io.hypergrad.model;

/** {@code biased-reg}: R = (β/2)·‖x − λ‖², λ the centre x is pulled towards (meta-learning). */
public final class BiasedRegularizationHyperModel extends FeatureWiseHyperModel {
  private static final long serialVersionUID = 1L;
  private final double beta;

  public BiasedRegularizationHyperModel(double beta, double[] lambda) {
    super("biased-reg", lambda);
    this.beta = positive("beta", beta);
  }

  @Override
  protected HyperModel at(double[] lambda) {
    return new BiasedRegularizationHyperModel(beta, lambda);
  }

  @Override
  public double regularizer(double[] x) {
    double s = 0;
    for (int j = 0; j < x.length; j++) {
      double d = x[j] - lambda[j];
      s += d * d;
    }
    return 0.5 * beta * s;
  }

  @Override
  public void addRegularizerGradient(double[] x, double[] out) {
    for (int j = 0; j < x.length; j++) {
      out[j] += beta * (x[j] - lambda[j]);
    }
  }

  @Override
  public void addRegularizerHessianProduct(double[] vs, int k, double[] out) {
    for (int j = 0; j < vs.length; j++) {
      out[j] += beta * vs[j];
    }
  }

  @Override
  public void applyRegularizerCross(double[] x, double[] z, double[] out) {
    for (int j = 0; j < z.length; j++) {
      out[j] = -beta * z[j];
    }
  }
}
