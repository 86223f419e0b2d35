package io.hypergrad.model;

import org.apache.spark.ml.linalg.Vector;

/** Linear least squares, ℓ = (aᵀx − y)², the per-row term of the mean squared error. */
public final class SquaredLoss implements GlmLoss {
  private static final long serialVersionUID = 1L;


  @Override
  public String name() {
    return "least-squares";
  }

  @Override
  public int parameterCount(int featureCount) {
    return featureCount;
  }

  @Override
  public void checkLabel(double y) {
    if (!Double.isFinite(y)) {
      throw new IllegalArgumentException("least squares needs a finite target, got " + y);
    }
  }

  @Override
  public double loss(Vector a, double y, double[] x) {
    double r = Rows.dot(a, x, 0) - y;
    return r * r;
  }

  @Override
  public int outputs() {
    return 1;
  }

  @Override
  public void residual(Vector a, double y, double[] x, double[] out) {
    out[0] = 2 * (Rows.dot(a, x, 0) - y);
  }

  @Override
  public double lossAtMargins(double[] m, int at, int stride, double y) {
    double r = m[at] - y;
    return r * r;
  }

  @Override
  public boolean classifies() {
    return false;
  }

  @Override
  public boolean correctAtMargins(double[] m, int at, int stride, double y) {
    throw new UnsupportedOperationException("least squares has no accuracy");
  }

  @Override
  public void residualAtMargins(double[] m, int at, int stride, double y, double[] out, int outAt) {
    out[outAt] = 2 * (m[at] - y);
  }

  @Override
  public void curvatureAtMargins(double[] m, int at, int stride, double y, double[] out) {
    out[0] = 2;
  }

  @Override
  public void curvature(Vector a, double y, double[] x, double[] out) {
    out[0] = 2;
  }

  @Override
  public void addGradient(Vector a, double y, double[] x, double weight, double[] out) {
    Rows.axpy(weight * 2 * (Rows.dot(a, x, 0) - y), a, out, 0);
  }

  @Override
  public void addHessianProduct(Vector a, double y, double[] x, double weight, double[] vs, int k, double[] out) {
    int p = a.size();
    for (int m = 0; m < k; m++) {
      Rows.axpy(weight * 2 * Rows.dot(a, vs, m * p), a, out, m * p);
    }
  }
}
