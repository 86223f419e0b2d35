package io.hypergrad.model;

import org.apache.spark.ml.linalg.Vector;

/**
 * The per-row loss ℓ(x; a, y) of a generalised linear model, with its analytic gradient and
 * Hessian-vector products. x is the model's parameter vector; a row's features a may be dense or
 * sparse.
 */
public interface GlmLoss extends java.io.Serializable {

  /** Config name: logistic, softmax, least-squares. */
  String name();

  /** p, the length of x, for rows of {@code featureCount} features. */
  int parameterCount(int featureCount);

  /** Throws IllegalArgumentException unless y is a label this loss accepts. */
  void checkLabel(double y);

  double loss(Vector a, double y, double[] x);

  /** out += weight·∇ₓℓ. */
  void addGradient(Vector a, double y, double[] x, double weight, double[] out);

  /**
   * out[:, m] += weight·∇²ₓℓ·V[:, m] for the k vectors of V (p×k, column-major). The row's
   * curvature is computed once for all k vectors.
   */
  void addHessianProduct(Vector a, double y, double[] x, double weight, double[] vs, int k, double[] out);

  /** K, the number of margins aᵀx_c a row has (1, or the classes of softmax); x holds K blocks of F. */
  int outputs();

  /**
   * out ← ∂ℓ/∂m for the K margins m_c = aᵀx_c (length K), so that ∇ₓℓ = a ⊗ out: what B·z needs
   * when rows are weighted by λ, since ∇ₓℓ·z = Σ_c out_c·(aᵀz_c).
   */
  void residual(Vector a, double y, double[] x, double[] out);

  /** out ← ∂²ℓ/∂m² for the K margins (K×K, row-major): ∇²ₓℓ = (a aᵀ) ⊗ out. */
  void curvature(Vector a, double y, double[] x, double[] out);

  /**
   * The same quantities from a row's K margins m (read at m[at + c·stride], c = 0 … K−1), for
   * block computations that get the margins of many rows from one BLAS call.
   */
  double lossAtMargins(double[] m, int at, int stride, double y);

  /** out[outAt + c·stride] ← ∂ℓ/∂m_c from the margins at m[at + c·stride]. */
  void residualAtMargins(double[] m, int at, int stride, double y, double[] out, int outAt);

  /** out ← ∂²ℓ/∂m² (K×K, row-major) from the margins at m[at + c·stride]. */
  void curvatureAtMargins(double[] m, int at, int stride, double y, double[] out);

  /** Whether the loss classifies (accuracy is defined): logistic and softmax, not least squares. */
  default boolean classifies() {
    return true;
  }

  /** Whether the class predicted from the margins at m[at + c·stride] is y (classifying losses only). */
  boolean correctAtMargins(double[] m, int at, int stride, double y);

  /** The loss by config name; {@code classes} matters for softmax only. */
  static GlmLoss named(String name, int classes) {
    return switch (name) {
      case "logistic" -> new LogisticLoss();
      case "least-squares" -> new SquaredLoss();
      case "softmax" -> new SoftmaxLoss(classes);
      default -> throw new IllegalArgumentException("unknown model '" + name + "'; expected logistic, softmax or least-squares");
    };
  }
}
