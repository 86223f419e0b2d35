package io.hypergrad.model;

import org.apache.spark.ml.linalg.Vector;

/**
 * Multinomial logistic (softmax) regression over K classes: x holds one weight vector per class,
 * class c in x[c·F, (c+1)·F) for F features; logits z_c = aᵀx_c, ℓ = logsumexp(z) − z_y. The
 * Hessian of a row is (diag(π) − ππᵀ) ⊗ aaᵀ, π = softmax(z). (The Mixed-FP reference code puts an
 * element-wise sigmoid before the softmax; this is the textbook model.)
 */
public final class SoftmaxLoss implements GlmLoss {
  private static final long serialVersionUID = 1L;

  private final int classes;

  public SoftmaxLoss(int classes) {
    if (classes < 2) {
      throw new IllegalArgumentException("softmax needs at least 2 classes, got " + classes);
    }
    this.classes = classes;
  }

  public int classes() {
    return classes;
  }

  @Override
  public String name() {
    return "softmax";
  }

  @Override
  public int parameterCount(int featureCount) {
    return featureCount * classes;
  }

  @Override
  public void checkLabel(double y) {
    if (y != Math.rint(y) || y < 0 || y >= classes) {
      throw new IllegalArgumentException("softmax over " + classes + " classes needs labels 0 … " + (classes - 1) + ", got " + y);
    }
  }

  @Override
  public double loss(Vector a, double y, double[] x) {
    double[] z = logits(a, x);
    double max = max(z);
    double sum = 0;
    for (double v : z) {
      sum += Math.exp(v - max);
    }
    return max + Math.log(sum) - z[(int) y];
  }

  @Override
  public int outputs() {
    return classes;
  }

  @Override
  public void residual(Vector a, double y, double[] x, double[] out) {
    double[] pi = probabilities(a, x);
    for (int c = 0; c < classes; c++) {
      out[c] = pi[c] - (c == (int) y ? 1 : 0);
    }
  }

  @Override
  public boolean correctAtMargins(double[] m, int at, int stride, double y) {
    int best = 0;
    for (int c = 1; c < classes; c++) {
      if (m[at + c * stride] > m[at + best * stride]) {
        best = c;
      }
    }
    return best == (int) y;
  }

  @Override
  public double lossAtMargins(double[] m, int at, int stride, double y) {
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < classes; c++) {
      max = Math.max(max, m[at + c * stride]);
    }
    double sum = 0;
    for (int c = 0; c < classes; c++) {
      sum += Math.exp(m[at + c * stride] - max);
    }
    return max + Math.log(sum) - m[at + (int) y * stride];
  }

  @Override
  public void residualAtMargins(double[] m, int at, int stride, double y, double[] out, int outAt) {
    double[] pi = probabilitiesAtMargins(m, at, stride);
    for (int c = 0; c < classes; c++) {
      out[outAt + c * stride] = pi[c] - (c == (int) y ? 1 : 0);
    }
  }

  @Override
  public void curvatureAtMargins(double[] m, int at, int stride, double y, double[] out) {
    double[] pi = probabilitiesAtMargins(m, at, stride);
    for (int c = 0; c < classes; c++) {
      for (int e = 0; e < classes; e++) {
        out[c * classes + e] = (c == e ? pi[c] : 0) - pi[c] * pi[e];
      }
    }
  }

  private double[] probabilitiesAtMargins(double[] m, int at, int stride) {
    double[] z = new double[classes];
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < classes; c++) {
      z[c] = m[at + c * stride];
      max = Math.max(max, z[c]);
    }
    double sum = 0;
    for (int c = 0; c < classes; c++) {
      z[c] = Math.exp(z[c] - max);
      sum += z[c];
    }
    for (int c = 0; c < classes; c++) {
      z[c] /= sum;
    }
    return z;
  }

  @Override
  public void curvature(Vector a, double y, double[] x, double[] out) {
    double[] pi = probabilities(a, x);
    for (int c = 0; c < classes; c++) {
      for (int e = 0; e < classes; e++) {
        out[c * classes + e] = (c == e ? pi[c] : 0) - pi[c] * pi[e];
      }
    }
  }

  @Override
  public void addGradient(Vector a, double y, double[] x, double weight, double[] out) {
    double[] pi = probabilities(a, x);
    int f = a.size();
    for (int c = 0; c < classes; c++) {
      Rows.axpy(weight * (pi[c] - (c == (int) y ? 1 : 0)), a, out, c * f);
    }
  }

  @Override
  public void addHessianProduct(Vector a, double y, double[] x, double weight, double[] vs, int k, double[] out) {
    double[] pi = probabilities(a, x);
    int f = a.size();
    int p = f * classes;
    double[] s = new double[classes];
    for (int m = 0; m < k; m++) {
      double mean = 0;
      for (int c = 0; c < classes; c++) {
        s[c] = Rows.dot(a, vs, m * p + c * f);
        mean += pi[c] * s[c];
      }
      for (int c = 0; c < classes; c++) {
        Rows.axpy(weight * pi[c] * (s[c] - mean), a, out, m * p + c * f);
      }
    }
  }

  private double[] logits(Vector a, double[] x) {
    int f = a.size();
    double[] z = new double[classes];
    for (int c = 0; c < classes; c++) {
      z[c] = Rows.dot(a, x, c * f);
    }
    return z;
  }

  /** softmax(aᵀx_c), shifted by the largest logit so nothing overflows. */
  double[] probabilities(Vector a, double[] x) {
    double[] z = logits(a, x);
    double max = max(z);
    double sum = 0;
    for (int c = 0; c < classes; c++) {
      z[c] = Math.exp(z[c] - max);
      sum += z[c];
    }
    for (int c = 0; c < classes; c++) {
      z[c] /= sum;
    }
    return z;
  }

  private static double max(double[] z) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      m = Math.max(m, v);
    }
    return m;
  }
}
