package io.hypergrad.ml;

import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * A fitted MLlib model to explain: its coefficients and intercepts as the starting x of the inner
 * solve, and its objective mapped to ours — MLlib's (1/n)Σℓ + (regParam/2)‖w‖² with elasticNetParam 0
 * and standardization off is our l2 at λ = 1 with ρ = regParam (LogisticRegression); for
 * LinearRegression, which fits on labels scaled by their standard deviation σ_y and halves the squared
 * error where our least-squares loss does not, ρ = 2·regParam/σ_y. What
 * we cannot represent — an L1 term, a penalty scaled by each feature's standard deviation,
 * coefficient bounds — is refused.
 */
final class InitialModel implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private final String family;
  private final double regParam;
  private final boolean fitIntercept;
  private final int classes;
  private final int featureCount;
  // class-major: class c's F coefficients, then its intercept when fitted
  private final double[] coefficients;
  private final double[] intercepts;

  private InitialModel(String family, double regParam, boolean fitIntercept, int classes, int featureCount,
      double[] coefficients, double[] intercepts) {
    this.family = family;
    this.regParam = regParam;
    this.fitIntercept = fitIntercept;
    this.classes = classes;
    this.featureCount = featureCount;
    this.coefficients = coefficients;
    this.intercepts = intercepts;
  }

  static InitialModel of(LogisticRegressionModel m) {
    refuse("LogisticRegressionModel", m.getRegParam(), m.getElasticNetParam(), m.getStandardization());
    if (m.isSet(m.lowerBoundsOnCoefficients()) || m.isSet(m.upperBoundsOnCoefficients())
        || m.isSet(m.lowerBoundsOnIntercepts()) || m.isSet(m.upperBoundsOnIntercepts())) {
      throw new IllegalArgumentException("setInitialModel: the LogisticRegressionModel was fitted with bounds on its "
          + "coefficients or intercepts; a bounded optimum is not a stationary point of the objective, so its influence "
          + "is not defined here");
    }
    Matrix w = m.coefficientMatrix();
    int k = w.numRows();
    int f = w.numCols();
    double[] coefficients = new double[k * f];
    double[] intercepts = m.interceptVector().toArray();
    for (int c = 0; c < k; c++) {
      for (int j = 0; j < f; j++) {
        coefficients[c * f + j] = w.apply(c, j);
      }
    }
    boolean multinomial = k > 1;
    return new InitialModel(multinomial ? "multinomial" : "binomial", m.getRegParam(), m.getFitIntercept(),
        multinomial ? k : 2, f, coefficients, intercepts);
  }

  static InitialModel of(LinearRegressionModel m) {
    refuse("LinearRegressionModel", m.getRegParam(), m.getElasticNetParam(), m.getStandardization());
    if (!m.getLoss().equals("squaredError")) {
      throw new IllegalArgumentException("setInitialModel: the LinearRegressionModel's loss is " + m.getLoss()
          + "; only squaredError is a GLM here");
    }
    return new InitialModel("gaussian", m.getRegParam(), m.getFitIntercept(), 0, m.numFeatures(),
        m.coefficients().toArray(), new double[] {m.intercept()});
  }

  private static void refuse(String kind, double regParam, double elasticNet, boolean standardization) {
    if (regParam > 0 && elasticNet != 0) {
      throw new IllegalArgumentException("setInitialModel: the " + kind + " has elasticNetParam = " + elasticNet + " (an "
          + "L1 term); the influence needs a twice-differentiable objective — refit with setElasticNetParam(0)");
    }
    if (regParam > 0 && standardization) {
      throw new IllegalArgumentException("setInitialModel: the " + kind + " was fitted with standardization = true, "
          + "which penalises each coefficient by its feature's standard deviation; refit with setStandardization(false), "
          + "or standardize the features first (StandardScaler) and fit on those");
    }
  }

  String family() {
    return family;
  }

  boolean fitIntercept() {
    return fitIntercept;
  }

  int featureCount() {
    return featureCount;
  }

  /** Our ρ for the training rows of {@code data}: regParam, or 2·regParam/σ_y for a linear model. */
  double rho(Dataset<?> training, String labelCol) {
    if (!family.equals("gaussian") || regParam == 0) {
      return regParam;
    }
    Row r = training.agg(functions.stddev_samp(functions.col(labelCol).cast("double"))).first();
    double sigma = r.isNullAt(0) ? 0 : r.getDouble(0);
    if (!(sigma > 0)) {
      throw new IllegalArgumentException("setInitialModel: the training labels are constant; MLlib's LinearRegression "
          + "objective is not defined for them");
    }
    return 2 * regParam / sigma;
  }

  /** x₀ in our layout: each class's coefficients then its intercept (with {@code intercept}). */
  double[] x0(int features, boolean intercept) {
    if (features != featureCount) {
      throw new IllegalArgumentException("setInitialModel: the model has " + featureCount + " features, the features "
          + "column " + features);
    }
    int k = intercepts.length;
    int stride = features + (intercept ? 1 : 0);
    double[] x = new double[k * stride];
    for (int c = 0; c < k; c++) {
      System.arraycopy(coefficients, c * features, x, c * stride, features);
      if (intercept) {
        x[c * stride + features] = intercepts[c];
      }
    }
    return x;
  }
}
