package io.hypergrad.model;

import io.hypergrad.oracle.CounterSampler;
import io.hypergrad.rows.LocalRows;
import io.hypergrad.rows.RowSource;
import io.hypergrad.rows.RowWeights;
import io.hypergrad.rows.SampledRequest;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;

/**
 * A bilevel problem over a GLM: inner g(x, λ) = (1/n)Σᵢ wᵢ(λ)ℓᵢ(x) + R(x, λ) + (ρ_m/2)‖x‖² on the
 * training rows, outer f(x) = (1/n_val)Σ ℓ(x) on the validation rows (plus (ρ_m/2)‖x‖² when
 * {@code ridgeInOuter}). ρ_m is the model's own fixed ridge (the paper's scale_reg).
 *
 * <p>With an intercept the rows end in a constant 1 ({@link Intercept#augment}), so the last
 * coefficient of each class is its intercept b_c; neither R nor the ridge touches it (the
 * regulariser sees x and V with those entries zeroed and adds nothing there), and its λ entries,
 * for a hyper-model with one λ per parameter, stay inert. Softmax's intercepts are defined only up to
 * a common shift (the loss does not see it), which would leave A singular: the shift is fixed at
 * Σ_c b_c = 0, as MLlib centres them, by the term ½(Σ_c b_c)² — it changes neither the predictions
 * nor f, so neither x*'s predictions nor the hypergradient.
 *
 * <p>The math is written once, over two {@link RowSource}s: the rows may be in this JVM or in
 * cached Spark partitions, and every sum over rows is the source's. The row-free parts — the
 * regulariser R and the ridge, both p-sized — are added here, once per quantity.
 */
public final class GlmBilevelProblem implements InnerObjective, java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private final GlmLoss loss;
  private final HyperModel hyper;
  private final RowSource train;
  private final RowSource validation;
  private final double modelRidge;
  private final boolean ridgeInOuter;
  private final boolean intercept;
  private final int p;
  // wᵢ(λ) and dwᵢ/dλᵢ of an instance-weighted hyper-model (null for a regulariser: every weight 1)
  private final RowWeights weights;
  private RowWeights derivatives;

  /** Over rows held in this JVM; every label is checked against the loss. */
  public GlmBilevelProblem(GlmLoss loss, HyperModel hyper, LabeledRows train, LabeledRows validation, double modelRidge,
      boolean ridgeInOuter) {
    this(loss, hyper, LocalRows.of(train), LocalRows.of(validation), modelRidge, ridgeInOuter, false);
    checkLabels(loss, this.train);
    checkLabels(loss, this.validation);
  }

  private GlmBilevelProblem(GlmLoss loss, HyperModel hyper, RowSource train, RowSource validation, double modelRidge,
      boolean ridgeInOuter, boolean intercept) {
    if (validation.size() > 0 && train.featureCount() != validation.featureCount()) {
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
    this.intercept = intercept;
    this.p = loss.parameterCount(train.featureCount());
    if (intercept && train.featureCount() < 1) {
      throw new IllegalArgumentException("an intercept needs rows that end in the constant 1 feature");
    }
    int n = train.splitSize();
    if (hyper.instanceWise() && hyper.q() != n) {
      throw new IllegalArgumentException(hyper.name() + " needs one λ per training row: " + hyper.q() + " for " + n + " rows");
    }
    if (!hyper.instanceWise() && hyper.q() != 1 && hyper.q() != p) {
      throw new IllegalArgumentException(hyper.name() + " has " + hyper.q() + " hyperparameters for " + p + " parameters");
    }
    this.weights = hyper.instanceWise() ? train.weights(rowValues(hyper, n, false)) : null;
  }

  /**
   * Over any row sources; the labels of rows in this JVM are checked against the loss (rows on the
   * executors are the source's to check).
   */
  public static GlmBilevelProblem over(GlmLoss loss, HyperModel hyper, RowSource train, RowSource validation,
      double modelRidge, boolean ridgeInOuter) {
    return over(loss, hyper, train, validation, modelRidge, ridgeInOuter, false);
  }

  /**
   * As {@link #over(GlmLoss, HyperModel, RowSource, RowSource, double, boolean)}; with {@code
   * intercept} the rows' last feature is the constant 1 and its coefficients are left unregularised.
   */
  public static GlmBilevelProblem over(GlmLoss loss, HyperModel hyper, RowSource train, RowSource validation,
      double modelRidge, boolean ridgeInOuter, boolean intercept) {
    checkLabels(loss, train);
    checkLabels(loss, validation);
    return new GlmBilevelProblem(loss, hyper, train, validation, modelRidge, ridgeInOuter, intercept);
  }

  /** Checks every label of {@code rows} against the loss when the rows are in this JVM. */
  public static void checkLabels(GlmLoss loss, RowSource rows) {
    if (rows instanceof LocalRows local) {
      for (int i = 0; i < local.size(); i++) {
        loss.checkLabel(local.label(i));
      }
    }
  }

  private static double[] rowValues(HyperModel hyper, int n, boolean derivative) {
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = derivative ? hyper.weightDerivative(i) : hyper.weight(i);
    }
    return w;
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

  public RowSource train() {
    return train;
  }

  public RowSource validation() {
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

  /** Whether the rows end in the constant 1 and the last coefficient of each class is an unregularised intercept. */
  public boolean intercept() {
    return intercept;
  }

  /** The same rows at another λ (release this one's weights with {@link #releaseWeights} when done with it). */
  public GlmBilevelProblem withLambda(double[] lambda) {
    return new GlmBilevelProblem(loss, hyper.withLambda(lambda), train, validation, modelRidge, ridgeInOuter, intercept);
  }

  /** The same problem over other rows of the same splits. */
  public GlmBilevelProblem withRows(RowSource trainRows, RowSource validationRows) {
    return new GlmBilevelProblem(loss, hyper, trainRows, validationRows, modelRidge, ridgeInOuter, intercept);
  }

  /** Whether every row is in this JVM (a minibatch costs no pass). */
  public boolean holdsRows() {
    return train.local() && validation.local();
  }

  /**
   * The problem over the rows that iterations from … to − 1 draw — training chains 0 and 1 of
   * {@code inner}, validation chain 0 of {@code outer} — in this JVM: itself when it holds its rows.
   */
  public GlmBilevelProblem window(CounterSampler inner, CounterSampler outer, long from, long to) {
    RowSource t = train.gather(inner, 2, from, to, false);
    RowSource v = validation.gather(outer, 1, from, to, false);
    return t == train && v == validation ? this : withRows(t, v);
  }

  /** Frees this λ's row-weight handles (broadcasts); the rows stay. */
  public void releaseWeights() {
    if (weights != null) {
      weights.release();
    }
    if (derivatives != null) {
      derivatives.release();
    }
  }

  /** Frees the rows and weights (cached partitions, broadcasts). */
  public void release() {
    releaseWeights();
    train.release();
    validation.release();
  }

  private synchronized RowWeights derivatives() {
    if (derivatives == null) {
      derivatives = train.weights(rowValues(hyper, train.splitSize(), true));
    }
    return derivatives;
  }

  private int n() {
    return train.size();
  }

  // the row-free tails: R(x, λ) and the model ridge, added once per quantity

  private double regularizerValue(double[] x) {
    double[] xr = penalised(x);
    double value = hyper.regularizer(xr) + 0.5 * modelRidge * squaredNorm(xr);
    if (centred()) {
      double sum = interceptSum(x, 0);
      value += 0.5 * sum * sum;
    }
    return value;
  }

  /** Whether softmax intercepts are held at Σ_c b_c = 0 (an intercept and K > 1 outputs). */
  private boolean centred() {
    return intercept && loss.outputs() > 1;
  }

  /** Σ_c v[at + c·F + F − 1]: the class intercepts' sum in the p-block of v starting at {@code at}. */
  private double interceptSum(double[] v, int at) {
    int f = train.featureCount();
    double sum = 0;
    for (int c = 0; c < loss.outputs(); c++) {
      sum += v[at + c * f + f - 1];
    }
    return sum;
  }

  /** out[at + b_c] += Σ_c v[at + b_c] for every class c: the centring term's gradient or Hessian product. */
  private void addCentring(double[] v, int at, double[] out) {
    double sum = interceptSum(v, at);
    int f = train.featureCount();
    for (int c = 0; c < loss.outputs(); c++) {
      out[at + c * f + f - 1] += sum;
    }
  }

  private void addRegularizerGradient(double[] x, double[] out) {
    if (intercept) {
      addPenalised(x, 1, (v, t) -> hyper.addRegularizerGradient(v, t), out);
      return;
    }
    hyper.addRegularizerGradient(x, out);
    for (int j = 0; j < p; j++) {
      out[j] += modelRidge * x[j];
    }
  }

  private void addRegularizerHessianProduct(double[] vs, int k, double[] out) {
    if (intercept) {
      addPenalised(vs, k, (v, t) -> hyper.addRegularizerHessianProduct(v, k, t), out);
      return;
    }
    hyper.addRegularizerHessianProduct(vs, k, out);
    for (int j = 0; j < p * k; j++) {
      out[j] += modelRidge * vs[j];
    }
  }

  /** out += (the regulariser's term f at the penalised entries of v, plus ρ_m·v) outside the intercepts. */
  private void addPenalised(double[] v, int k, java.util.function.BiConsumer<double[], double[]> term, double[] out) {
    double[] vr = penalised(v);
    double[] t = new double[p * k];
    term.accept(vr, t);
    for (int j = 0; j < p * k; j++) {
      if (!isIntercept(j)) {
        out[j] += t[j] + modelRidge * vr[j];
      }
    }
    if (centred()) {
      for (int m = 0; m < k; m++) {
        addCentring(v, m * p, out);
      }
    }
  }

  /**
   * The diagonal of R's and the ridge's Hessian: every regulariser here is ½·Σⱼ dⱼxⱼ² plus its
   * ridge. It is 0 at an intercept, which neither touches; softmax's centring term, the one
   * non-diagonal part, is left to the products.
   */
  public double[] regularizerDiagonal() {
    double[] ones = new double[p];
    Arrays.fill(ones, 1);
    double[] d = new double[p];
    addRegularizerHessianProduct(ones, 1, d);
    for (int j = 0; j < p; j++) {
      if (isIntercept(j)) {
        d[j] = 0;
      }
    }
    return d;
  }

  /** Whether parameter j (of a p×k block) is an intercept: the last coefficient of its class. */
  private boolean isIntercept(int j) {
    int f = train.featureCount();
    return intercept && (j % p) % f == f - 1;
  }

  /** v with its intercept entries zeroed (v itself without an intercept). */
  private double[] penalised(double[] v) {
    if (!intercept) {
      return v;
    }
    double[] out = v.clone();
    for (int j = 0; j < out.length; j++) {
      if (isIntercept(j)) {
        out[j] = 0;
      }
    }
    return out;
  }

  private void addOuterRidge(double[] x, double[] out) {
    if (ridgeInOuter) {
      for (int j = 0; j < p; j++) {
        if (!isIntercept(j)) {
          out[j] += modelRidge * x[j];
        }
      }
    }
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
  public double valueAndGradient(double[] x, double[] out) {
    Arrays.fill(out, 0, p, 0);
    double s = train.addLossAndGradient(loss, x, weights, n(), out);
    addRegularizerGradient(x, out);
    return s / n() + regularizerValue(x);
  }

  @Override
  public void hessianProduct(double[] x, double[] v, double[] out) {
    innerHessianProduct(x, null, v, 1, out);
  }

  /** g(x, λ). */
  public double innerLoss(double[] x) {
    return train.weightedLoss(loss, x, weights) / n() + regularizerValue(x);
  }

  /** out ← ∇ₓg(x, λ). */
  public void innerGradient(double[] x, double[] out) {
    innerGradient(x, null, out);
  }

  /**
   * out ← the inner gradient over the training rows S (with repeats; all rows when null):
   * (1/|S|)·Σ_{i∈S} wᵢ∇ℓᵢ(x) + ∇ₓR(x, λ) + ρ_m·x, an unbiased estimate of ∇ₓg.
   */
  public void innerGradient(double[] x, int[] rows, double[] out) {
    Arrays.fill(out, 0, p, 0);
    train.addGradient(loss, x, weights, rows == null ? n() : rows.length, rows, out);
    addRegularizerGradient(x, out);
  }

  /** out ← ∇²ₓₓg·V for the k vectors of V (p×k), over the given rows (all rows when null). */
  public void innerHessianProduct(double[] x, int[] rows, double[] vs, int k, double[] out) {
    Arrays.fill(out, 0, p * k, 0);
    train.addHessianProduct(loss, x, weights, rows == null ? n() : rows.length, rows, vs, k, out);
    addRegularizerHessianProduct(vs, k, out);
  }

  /** Many sampled products at once (one pass where the rows are partitioned), each as {@link #innerHessianProduct} gives it. */
  public List<double[]> sampledProducts(double[] x, List<SampledRequest> requests) {
    List<double[]> results = train.hessianProducts(loss, x, weights, requests, p);
    for (int r = 0; r < results.size(); r++) {
      addRegularizerHessianProduct(requests.get(r).vectors(), requests.get(r).k(), results.get(r));
    }
    return results;
  }

  /**
   * The dense full-batch ∇²ₓₓg at x (p×p, column-major), for {@code exact}: block (c, e) of the GLM
   * part is Xᵀ·diag((wᵢ/n)·Hᵢ[c,e])·X with Hᵢ the row's K×K curvature, one BLAS dgemm per block
   * pair, instead of p matrix-free products.
   */
  public double[] denseInnerHessian(double[] x) {
    double[] h = new double[p * p];
    train.addDenseHessian(loss, x, weights, n(), h);
    if (!intercept) {
      return DenseGlmHessian.addRegularizer(hyper, modelRidge, h);
    }
    return DenseGlmHessian.addColumns((j, unit, column) -> addRegularizerHessianProduct(unit, 1, column), h);
  }

  /** f(x). */
  public double outerLoss(double[] x) {
    return validation.weightedLoss(loss, x, null) / validation.size()
        + (ridgeInOuter ? 0.5 * modelRidge * squaredNorm(penalised(x)) : 0);
  }

  /** out ← ∇ₓf(x). */
  public void outerGradient(double[] x, double[] out) {
    outerGradient(x, null, out);
  }

  /** out ← (1/|S|)·Σ_{j∈S} ∇ℓⱼ(x) over the validation rows S (all when null): an unbiased estimate of c = ∇ₓf. */
  public void outerGradient(double[] x, int[] rows, double[] out) {
    Arrays.fill(out, 0, p, 0);
    validation.addGradient(loss, x, null, rows == null ? validation.size() : rows.length, rows, out);
    addOuterRidge(x, out);
  }

  /** {Σᵢ ℓᵢ(x), correctly classified rows} over the training rows, unweighted (for reporting). */
  public double[] trainLossAndCorrect(double[] x) {
    return train.lossAndCorrect(loss, x);
  }

  /** {Σⱼ ℓⱼ(x), correctly classified rows} over the validation rows. */
  public double[] validationLossAndCorrect(double[] x) {
    return validation.lossAndCorrect(loss, x);
  }

  /** out ← B·z = ∂_λ∇ₓg(x, λ)·z (length q). */
  public void crossProduct(double[] x, double[] z, double[] out) {
    if (hyper.instanceWise()) {
      train.perRowCross(loss, x, derivatives(), n(), false).apply(z, out);
    } else {
      hyper.applyRegularizerCross(penalised(x), penalised(z), out);
    }
  }

  /**
   * The B·z operator at a fixed x: per row for instance-weighted models (residuals at x computed
   * once, margins from the dense block's BLAS calls), the regulariser's otherwise.
   */
  RowSource.PerRowCross crossAt(double[] x) {
    if (!hyper.instanceWise()) {
      double[] xr = penalised(x);
      return (z, out) -> hyper.applyRegularizerCross(xr, penalised(z), out);
    }
    return train.perRowCross(loss, x, derivatives(), n(), true);
  }

  /**
   * out ← the minibatch B·z over the training rows S (length q): for instance-weighted models
   * (w'ᵢ/|S|)·∇ℓᵢ·z summed into the drawn rows' entries (zero elsewhere; unbiased for (B·z)ᵢ =
   * (w'ᵢ/n)·∇ℓᵢ·z), for regularisers the exact ∂_λ∇ₓR·z, which no row enters.
   */
  public void crossProduct(double[] x, int[] rows, double[] z, double[] out) {
    if (!hyper.instanceWise()) {
      hyper.applyRegularizerCross(penalised(x), penalised(z), out);
      return;
    }
    Arrays.fill(out, 0);
    train.addSampledCross(loss, x, derivatives(), rows.length, rows, z, out);
  }

  /** out ← wᵢ·∇ℓᵢ(x), one training row's weighted data gradient (for empirical-Fisher surrogates). */
  public void dataGradient(double[] x, int row, double[] out) {
    Arrays.fill(out, 0, p, 0);
    train.addGradient(loss, x, weights, 1.0, new int[] {row}, out);
  }

  /** The diagonal of the regulariser's Hessian ∇²ₓₓR(λ) + ρ_m·I (every hyper-model's R is diagonal). */
  public double[] regularizerHessianDiagonal() {
    double[] ones = new double[p];
    Arrays.fill(ones, 1.0);
    double[] out = new double[p];
    addRegularizerHessianProduct(ones, 1, out);
    return out;
  }

  /** The stochastic linear system of the hypergradient at x (x should be the inner optimum). */
  public GlmLinearSystem linearSystemAt(double[] x) {
    double[] xs = x.clone();
    double[] c = new double[p];
    outerGradient(xs, c);
    return new GlmLinearSystem(this, xs, c);
  }

  /** No validation rows, for a problem whose c comes from elsewhere (the rows gathered for chains). */
  GlmBilevelProblem withTrainRowsOnly(RowSource trainRows) {
    return withRows(trainRows, LocalRows.of(new LabeledRows(new Vector[0], new double[0], train.featureCount())));
  }

  private static double squaredNorm(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v * v;
    }
    return s;
  }
}
