package io.hypergrad.model;

import io.hypergrad.oracle.StochasticLinearSystem;
import java.util.Arrays;

/**
 * A bilevel problem over a GLM: inner g(x, λ) = (1/n)Σᵢ wᵢ(λ)ℓᵢ(x) + R(x, λ) + (ρ_m/2)‖x‖² on the
 * training rows, outer f(x) = (1/n_val)Σ ℓ(x) on the validation rows (plus (ρ_m/2)‖x‖² when
 * {@code ridgeInOuter}). ρ_m is the model's own fixed ridge (the paper's scale_reg).
 */
public final class GlmBilevelProblem {
  private final GlmLoss loss;
  private final HyperModel hyper;
  private final LabeledRows train;
  private final LabeledRows validation;
  private final double modelRidge;
  private final boolean ridgeInOuter;
  private final int p;

  public GlmBilevelProblem(GlmLoss loss, HyperModel hyper, LabeledRows train, LabeledRows validation, double modelRidge,
      boolean ridgeInOuter) {
    if (train.featureCount() != validation.featureCount()) {
      throw new IllegalArgumentException("training rows have " + train.featureCount() + " features, validation rows "
          + validation.featureCount());
    }
    if (!(modelRidge >= 0)) {
      throw new IllegalArgumentException("the model's ridge must be ≥ 0, got " + modelRidge);
    }
    this.loss = loss;
    this.hyper = hyper;
    this.train = train;
    this.validation = validation;
    this.modelRidge = modelRidge;
    this.ridgeInOuter = ridgeInOuter;
    this.p = loss.parameterCount(train.featureCount());
    if (hyper.instanceWise() && hyper.q() != train.size()) {
      throw new IllegalArgumentException(hyper.name() + " needs one λ per training row: " + hyper.q() + " for " + train.size() + " rows");
    }
    if (!hyper.instanceWise() && hyper.q() != 1 && hyper.q() != p) {
      throw new IllegalArgumentException(hyper.name() + " has " + hyper.q() + " hyperparameters for " + p + " parameters");
    }
    for (LabeledRows rows : new LabeledRows[] {train, validation}) {
      for (double y : rows.labels()) {
        loss.checkLabel(y);
      }
    }
  }

  public int p() {
    return p;
  }

  public GlmLoss loss() {
    return loss;
  }

  public HyperModel hyperModel() {
    return hyper;
  }

  public LabeledRows train() {
    return train;
  }

  public LabeledRows validation() {
    return validation;
  }

  /** The same problem at another λ. */
  public GlmBilevelProblem withLambda(double[] lambda) {
    return new GlmBilevelProblem(loss, hyper.withLambda(lambda), train, validation, modelRidge, ridgeInOuter);
  }

  /** g(x, λ). */
  public double innerLoss(double[] x) {
    double s = 0;
    int n = train.size();
    for (int i = 0; i < n; i++) {
      s += hyper.weight(i) * loss.loss(train.features()[i], train.labels()[i], x);
    }
    return s / n + hyper.regularizer(x) + 0.5 * modelRidge * squaredNorm(x);
  }

  /** out ← ∇ₓg(x, λ). */
  public void innerGradient(double[] x, double[] out) {
    Arrays.fill(out, 0);
    int n = train.size();
    for (int i = 0; i < n; i++) {
      loss.addGradient(train.features()[i], train.labels()[i], x, hyper.weight(i) / n, out);
    }
    hyper.addRegularizerGradient(x, out);
    for (int j = 0; j < p; j++) {
      out[j] += modelRidge * x[j];
    }
  }

  /** out ← ∇²ₓₓg·V for the k vectors of V (p×k), over the given rows (all rows when null). */
  public void innerHessianProduct(double[] x, int[] rows, double[] vs, int k, double[] out) {
    Arrays.fill(out, 0, p * k, 0);
    if (rows == null) {
      int n = train.size();
      for (int i = 0; i < n; i++) {
        loss.addHessianProduct(train.features()[i], train.labels()[i], x, hyper.weight(i) / n, vs, k, out);
      }
    } else {
      for (int i : rows) {
        loss.addHessianProduct(train.features()[i], train.labels()[i], x, hyper.weight(i) / rows.length, vs, k, out);
      }
    }
    hyper.addRegularizerHessianProduct(vs, k, out);
    for (int j = 0; j < p * k; j++) {
      out[j] += modelRidge * vs[j];
    }
  }

  /** f(x). */
  public double outerLoss(double[] x) {
    double s = 0;
    int n = validation.size();
    for (int i = 0; i < n; i++) {
      s += loss.loss(validation.features()[i], validation.labels()[i], x);
    }
    return s / n + (ridgeInOuter ? 0.5 * modelRidge * squaredNorm(x) : 0);
  }

  /** out ← ∇ₓf(x). */
  public void outerGradient(double[] x, double[] out) {
    Arrays.fill(out, 0);
    int n = validation.size();
    for (int i = 0; i < n; i++) {
      loss.addGradient(validation.features()[i], validation.labels()[i], x, 1.0 / n, out);
    }
    if (ridgeInOuter) {
      for (int j = 0; j < p; j++) {
        out[j] += modelRidge * x[j];
      }
    }
  }

  /** out ← B·z = ∂_λ∇ₓg(x, λ)·z (length q). */
  public void crossProduct(double[] x, double[] z, double[] out) {
    if (hyper.instanceWise()) {
      int n = train.size();
      double[] grad = new double[p];
      for (int i = 0; i < n; i++) {
        Arrays.fill(grad, 0);
        loss.addGradient(train.features()[i], train.labels()[i], x, 1.0, grad);
        double dot = 0;
        for (int j = 0; j < p; j++) {
          dot += grad[j] * z[j];
        }
        out[i] = hyper.weightDerivative(i) / n * dot;
      }
    } else {
      hyper.applyRegularizerCross(x, z, out);
    }
  }

  /** The stochastic linear system of the hypergradient at x (x should be the inner optimum). */
  public StochasticLinearSystem linearSystemAt(double[] x) {
    double[] xs = x.clone();
    double[] c = new double[p];
    outerGradient(xs, c);
    double[] d = new double[hyper.q()];
    return new StochasticLinearSystem() {
      @Override
      public int p() {
        return p;
      }

      @Override
      public int q() {
        return hyper.q();
      }

      @Override
      public int rowCount() {
        return train.size();
      }

      @Override
      public double[] c() {
        return c;
      }

      @Override
      public double[] d() {
        return d;
      }

      @Override
      public void applyB(double[] z, double[] out) {
        crossProduct(xs, z, out);
      }

      @Override
      public void applyA(double[] v, double[] out) {
        innerHessianProduct(xs, null, v, 1, out);
      }

      @Override
      public void applySampledA(int[] rows, double[] vectors, int k, double[] out) {
        innerHessianProduct(xs, rows, vectors, k, out);
      }
    };
  }

  private static double squaredNorm(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v * v;
    }
    return s;
  }
}
