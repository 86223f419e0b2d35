package io.hypergrad.model;

import io.hypergrad.oracle.StochasticLinearSystem;
import java.util.Arrays;

/**
 * A bilevel problem over a GLM: inner g(x, λ) = (1/n)Σᵢ wᵢ(λ)ℓᵢ(x) + R(x, λ) + (ρ_m/2)‖x‖² on the
 * training rows, outer f(x) = (1/n_val)Σ ℓ(x) on the validation rows (plus (ρ_m/2)‖x‖² when
 * {@code ridgeInOuter}). ρ_m is the model's own fixed ridge (the paper's scale_reg).
 */
public final class GlmBilevelProblem implements InnerObjective, java.io.Serializable {

  private final GlmLoss loss;
  private final HyperModel hyper;
  private final LabeledRows train;
  private final LabeledRows validation;
  private final double modelRidge;
  private final boolean ridgeInOuter;
  private final int p;
  // the rows as blocks for the full-batch sums (dense for BLAS, or CSR)
  private final RowBlock trainBlock;
  private final RowBlock validationBlock;
  private final double[] rowWeights;

  public GlmBilevelProblem(GlmLoss loss, HyperModel hyper, LabeledRows train, LabeledRows validation, double modelRidge,
      boolean ridgeInOuter) {
    this(loss, hyper, train, validation, modelRidge, ridgeInOuter, RowBlock.of(train.features(), train.labels(),
        train.featureCount()), RowBlock.of(validation.features(), validation.labels(), validation.featureCount()), null);
    for (LabeledRows rows : new LabeledRows[] {train, validation}) {
      for (double y : rows.labels()) {
        loss.checkLabel(y);
      }
    }
  }

  /**
   * @param sameWeights the row weights to share (a regularising hyper-model's, all 1, unchanged by λ),
   *                    or null to compute them
   */
  private GlmBilevelProblem(GlmLoss loss, HyperModel hyper, LabeledRows train, LabeledRows validation, double modelRidge,
      boolean ridgeInOuter, RowBlock trainBlock, RowBlock validationBlock, double[] sameWeights) {
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
    this.trainBlock = trainBlock;
    this.validationBlock = validationBlock;
    if (hyper.instanceWise() && hyper.q() != train.size()) {
      throw new IllegalArgumentException(hyper.name() + " needs one λ per training row: " + hyper.q() + " for " + train.size() + " rows");
    }
    if (!hyper.instanceWise() && hyper.q() != 1 && hyper.q() != p) {
      throw new IllegalArgumentException(hyper.name() + " has " + hyper.q() + " hyperparameters for " + p + " parameters");
    }
    if (sameWeights != null) {
      this.rowWeights = sameWeights;
    } else {
      this.rowWeights = new double[train.size()];
      for (int i = 0; i < rowWeights.length; i++) {
        rowWeights[i] = hyper.weight(i);
      }
    }
  }

  @Override
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

  /** ρ_m, the model's own fixed ridge. */
  public double modelRidge() {
    return modelRidge;
  }

  /** Whether the outer loss carries the model's ridge too. */
  public boolean ridgeInOuter() {
    return ridgeInOuter;
  }

  /** The same problem at another λ. */
  public GlmBilevelProblem withLambda(double[] lambda) {
    // the rows were checked when the problem was built; a regulariser's row weights stay 1
    return new GlmBilevelProblem(loss, hyper.withLambda(lambda), train, validation, modelRidge, ridgeInOuter, trainBlock,
        validationBlock, hyper.instanceWise() ? null : rowWeights);
  }

  @Override
  public double value(double[] x) {
    return innerLoss(x);
  }

  @Override
  public void gradient(double[] x, double[] out) {
    innerGradient(x, out);
  }

  @Override
  public void hessianProduct(double[] x, double[] v, double[] out) {
    innerHessianProduct(x, null, v, 1, out);
  }

  /** g(x, λ). */
  public double innerLoss(double[] x) {
    int n = train.size();
    double s = trainBlock.weightedLoss(loss, x, rowWeights, 0);
    return s / n + hyper.regularizer(x) + 0.5 * modelRidge * squaredNorm(x);
  }

  /** out ← ∇ₓg(x, λ). */
  public void innerGradient(double[] x, double[] out) {
    Arrays.fill(out, 0);
    trainBlock.addGradient(loss, x, rowWeights, 0, train.size(), out);
    hyper.addRegularizerGradient(x, out);
    for (int j = 0; j < p; j++) {
      out[j] += modelRidge * x[j];
    }
  }

  /** out ← ∇²ₓₓg·V for the k vectors of V (p×k), over the given rows (all rows when null). */
  public void innerHessianProduct(double[] x, int[] rows, double[] vs, int k, double[] out) {
    Arrays.fill(out, 0, p * k, 0);
    if (rows == null) {
      trainBlock.addHessianProduct(loss, x, rowWeights, 0, train.size(), vs, k, out);
    } else {
      for (int i : rows) {
        loss.addHessianProduct(train.features()[i], train.labels()[i], x, rowWeights[i] / rows.length, vs, k, out);
      }
    }
    hyper.addRegularizerHessianProduct(vs, k, out);
    for (int j = 0; j < p * k; j++) {
      out[j] += modelRidge * vs[j];
    }
  }

  /**
   * The dense full-batch ∇²ₓₓg at x (p×p, column-major), for {@code exact}: block (c, e) of the
   * GLM part is Xᵀ·diag((wᵢ/n)·Hᵢ[c,e])·X with Hᵢ the row's K×K curvature, one BLAS dgemm per
   * block pair, instead of p matrix-free products.
   */
  public double[] denseInnerHessian(double[] x) {
    int n = train.size();
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = rowWeights[i] / n;
    }
    return DenseGlmHessian.addRegularizer(hyper, modelRidge,
        DenseGlmHessian.of(loss, train.features(), train.labels(), w, train.featureCount(), x));
  }

  /** f(x). */
  public double outerLoss(double[] x) {
    int n = validation.size();
    double s = validationBlock.weightedLoss(loss, x, null, 0);
    return s / n + (ridgeInOuter ? 0.5 * modelRidge * squaredNorm(x) : 0);
  }

  /** {Σᵢ ℓᵢ(x), correctly classified rows} over the training rows, unweighted (for reporting). */
  public double[] trainLossAndCorrect(double[] x) {
    return trainBlock.lossAndCorrect(loss, x);
  }

  /** {Σⱼ ℓⱼ(x), correctly classified rows} over the validation rows. */
  public double[] validationLossAndCorrect(double[] x) {
    return validationBlock.lossAndCorrect(loss, x);
  }

  /** out ← ∇ₓf(x). */
  public void outerGradient(double[] x, double[] out) {
    Arrays.fill(out, 0);
    validationBlock.addGradient(loss, x, null, 0, validation.size(), out);
    if (ridgeInOuter) {
      for (int j = 0; j < p; j++) {
        out[j] += modelRidge * x[j];
      }
    }
  }

  /** out ← B·z = ∂_λ∇ₓg(x, λ)·z (length q). */
  public void crossProduct(double[] x, double[] z, double[] out) {
    if (hyper.instanceWise()) {
      crossProductFromResiduals(residuals(x), false, z, out);
    } else {
      hyper.applyRegularizerCross(x, z, out);
    }
  }

  /** ∂ℓᵢ/∂m for every training row (n×K, row-major), at x. */
  private double[] residuals(double[] x) {
    int n = train.size();
    int k = loss.outputs();
    double[] r = new double[n * k];
    double[] one = new double[k];
    for (int i = 0; i < n; i++) {
      loss.residual(train.features()[i], train.labels()[i], x, one);
      System.arraycopy(one, 0, r, i * k, k);
    }
    return r;
  }

  /**
   * Instance-wise B·z: (B·z)ᵢ = (w'ᵢ/n)·∇ℓᵢ·z with ∇ℓᵢ·z = Σ_c rᵢ_c·(aᵢᵀz_c); the margins aᵢᵀz_c of all
   * rows come from the dense block's BLAS calls when {@code blockMargins}, else row by row.
   */
  private void crossProductFromResiduals(double[] residuals, boolean blockMargins, double[] z, double[] out) {
    int n = train.size();
    int k = loss.outputs();
    int f = train.featureCount();
    double[] margins = blockMargins && trainBlock instanceof DenseRowBlock dense ? dense.margins(z, k) : null;
    for (int i = 0; i < n; i++) {
      double dot = 0;
      for (int c = 0; c < k; c++) {
        double r = residuals[i * k + c];
        if (r != 0) {
          dot += r * (margins != null ? margins[c * n + i] : Rows.dot(train.features()[i], z, c * f));
        }
      }
      out[i] = hyper.weightDerivative(i) / n * dot;
    }
  }

  /**
   * out ← the minibatch inner gradient (1/|S|)·Σ_{i∈S} wᵢ∇ℓᵢ(x) + ∇ₓR(x, λ) + ρ_m·x over the
   * training rows S (with repeats), an unbiased estimate of ∇ₓg.
   */
  public void innerGradient(double[] x, int[] rows, double[] out) {
    Arrays.fill(out, 0);
    for (int i : rows) {
      loss.addGradient(train.features()[i], train.labels()[i], x, rowWeights[i] / rows.length, out);
    }
    hyper.addRegularizerGradient(x, out);
    for (int j = 0; j < p; j++) {
      out[j] += modelRidge * x[j];
    }
  }

  /** out ← (1/|S|)·Σ_{j∈S} ∇ℓⱼ(x) over the validation rows S: an unbiased estimate of c = ∇ₓf. */
  public void outerGradient(double[] x, int[] rows, double[] out) {
    Arrays.fill(out, 0);
    for (int j : rows) {
      loss.addGradient(validation.features()[j], validation.labels()[j], x, 1.0 / rows.length, out);
    }
    if (ridgeInOuter) {
      for (int k = 0; k < p; k++) {
        out[k] += modelRidge * x[k];
      }
    }
  }

  /**
   * out ← the minibatch B·z over the training rows S (length q): for instance-weighted models
   * (w'ᵢ/|S|)·∇ℓᵢ·z summed into the drawn rows' entries (zero elsewhere; unbiased for (B·z)ᵢ =
   * (w'ᵢ/n)·∇ℓᵢ·z), for regularisers the exact ∂_λ∇ₓR·z, which no row enters.
   */
  public void crossProduct(double[] x, int[] rows, double[] z, double[] out) {
    if (!hyper.instanceWise()) {
      hyper.applyRegularizerCross(x, z, out);
      return;
    }
    Arrays.fill(out, 0);
    int k = loss.outputs();
    int f = train.featureCount();
    double[] r = new double[k];
    for (int i : rows) {
      loss.residual(train.features()[i], train.labels()[i], x, r);
      double dot = 0;
      for (int c = 0; c < k; c++) {
        if (r[c] != 0) {
          dot += r[c] * Rows.dot(train.features()[i], z, c * f);
        }
      }
      out[i] += hyper.weightDerivative(i) / rows.length * dot;
    }
  }

  /** out ← wᵢ·∇ℓᵢ(x), one training row's weighted data gradient (for empirical-Fisher surrogates). */
  public void dataGradient(double[] x, int row, double[] out) {
    Arrays.fill(out, 0);
    loss.addGradient(train.features()[row], train.labels()[row], x, rowWeights[row], out);
  }

  /** The diagonal of the regulariser's Hessian ∇²ₓₓR(λ) + ρ_m·I (every hyper-model's R is diagonal). */
  public double[] regularizerHessianDiagonal() {
    return regularizerHessianDiagonal(hyper, modelRidge, p);
  }

  /** As above for any problem with this hyper-model, model ridge and p (wherever its rows live). */
  public static double[] regularizerHessianDiagonal(HyperModel hyper, double modelRidge, int p) {
    double[] ones = new double[p];
    Arrays.fill(ones, 1.0);
    double[] out = new double[p];
    hyper.addRegularizerHessianProduct(ones, 1, out);
    for (int j = 0; j < p; j++) {
      out[j] += modelRidge;
    }
    return out;
  }

  /** The stochastic linear system of the hypergradient at x (x should be the inner optimum). */
  public StochasticLinearSystem linearSystemAt(double[] x) {
    double[] xs = x.clone();
    double[] c = new double[p];
    outerGradient(xs, c);
    double[] d = new double[hyper.q()];
    double[] residuals = hyper.instanceWise() ? residuals(xs) : null;
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
        if (residuals != null) {
          crossProductFromResiduals(residuals, true, z, out);
        } else {
          hyper.applyRegularizerCross(xs, z, out);
        }
      }

      @Override
      public void applyA(double[] v, double[] out) {
        innerHessianProduct(xs, null, v, 1, out);
      }

      @Override
      public double[] denseA() {
        return denseInnerHessian(xs);
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
