package io.hypergrad.model;

import org.apache.spark.ml.linalg.Vector;

/** Binary logistic regression, y ∈ {0, 1}: ℓ = log(1 + e^m) − y·m with the margin m = aᵀx. */
public final class LogisticLoss implements GlmLoss {
  private static final long serialVersionUID = 1L;


  @Override
  public String name() {
    return "logistic";
  }

  @Override
  public int parameterCount(int featureCount) {
    return featureCount;
  }

  @Override
  public void checkLabel(double y) {
    if (y != 0 && y != 1) {
      throw new IllegalArgumentException("logistic regression needs labels 0 or 1, got " + y);
    }
  }

  @Override
  public double loss(Vector a, double y, double[] x) {
    double m = Rows.dot(a, x, 0);
    return softplus(m) - y * m;
  }

  @Override
  public int outputs() {
    return 1;
  }

  @Override
  public void residual(Vector a, double y, double[] x, double[] out) {
    out[0] = sigmoid(Rows.dot(a, x, 0)) - y;
  }

  @Override
  public double lossAtMargins(double[] m, int at, int stride, double y) {
    return softplus(m[at]) - y * m[at];
  }

  @Override
  public boolean correctAtMargins(double[] m, int at, int stride, double y) {
    return (m[at] > 0 ? 1.0 : 0.0) == y;
  }

  @Override
  public void residualAtMargins(double[] m, int at, int stride, double y, double[] out, int outAt) {
    out[outAt] = sigmoid(m[at]) - y;
  }

  @Override
  public void curvatureAtMargins(double[] m, int at, int stride, double y, double[] out) {
    double s = sigmoid(m[at]);
    out[0] = s * (1 - s);
  }

  @Override
  public void curvature(Vector a, double y, double[] x, double[] out) {
    double s = sigmoid(Rows.dot(a, x, 0));
    out[0] = s * (1 - s);
  }

  @Override
  public void addGradient(Vector a, double y, double[] x, double weight, double[] out) {
    double m = Rows.dot(a, x, 0);
    Rows.axpy(weight * (sigmoid(m) - y), a, out, 0);
  }

  @Override
  public void addHessianProduct(Vector a, double y, double[] x, double weight, double[] vs, int k, double[] out) {
    double s = sigmoid(Rows.dot(a, x, 0));
    double curvature = weight * s * (1 - s);
    int p = a.size();
    for (int m = 0; m < k; m++) {
      Rows.axpy(curvature * Rows.dot(a, vs, m * p), a, out, m * p);
    }
  }

  /** log(1 + e^m) without overflow. */
  public static double softplus(double m) {
    return m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
  }

  public static double sigmoid(double m) {
    if (m >= 0) {
      return 1 / (1 + Math.exp(-m));
    }
    double e = Math.exp(m);
    return e / (1 + e);
  }
}
