package io.hypergrad.model;

import java.util.function.ToDoubleFunction;

/** Central finite differences, the independent check of every analytic derivative. */
final class FiniteDifferences {
  static final double H = 1e-5;

  private FiniteDifferences() {}

  /** ∇F(x) by central differences. */
  static double[] gradient(ToDoubleFunction<double[]> f, double[] x) {
    double[] g = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      double[] plus = x.clone();
      double[] minus = x.clone();
      plus[j] += H;
      minus[j] -= H;
      g[j] = (f.applyAsDouble(plus) - f.applyAsDouble(minus)) / (2 * H);
    }
    return g;
  }

  /** Directional derivative of a vector function along v: (G(x + hv) − G(x − hv)) / 2h. */
  static double[] directional(java.util.function.Function<double[], double[]> g, double[] x, double[] v) {
    double[] plus = x.clone();
    double[] minus = x.clone();
    for (int j = 0; j < x.length; j++) {
      plus[j] += H * v[j];
      minus[j] -= H * v[j];
    }
    double[] gp = g.apply(plus);
    double[] gm = g.apply(minus);
    double[] out = new double[gp.length];
    for (int j = 0; j < out.length; j++) {
      out[j] = (gp[j] - gm[j]) / (2 * H);
    }
    return out;
  }

  /** max |a − b| / max(1, max |b|). */
  static double relativeDifference(double[] a, double[] b) {
    double diff = 0;
    double scale = 1;
    for (int j = 0; j < a.length; j++) {
      diff = Math.max(diff, Math.abs(a[j] - b[j]));
      scale = Math.max(scale, Math.abs(b[j]));
    }
    return diff / scale;
  }
}
