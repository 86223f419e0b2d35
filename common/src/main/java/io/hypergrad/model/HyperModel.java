package io.hypergrad.model;

/**
 * How hyperparameters λ enter the inner loss g(x, λ) = (1/n) Σᵢ wᵢ(λ)·ℓᵢ(x) + R(x, λ) (DESIGN §1,
 * tasks table). A hyper-model either weights rows (instance-wise: wᵢ depends on λᵢ, R does not
 * depend on λ) or regularises x (feature-wise: every wᵢ = 1). The outer loss never depends on λ
 * here, so d = ∇_λ f = 0.
 */
public interface HyperModel extends java.io.Serializable {

  /** Config name: l2, l2-per-feature, instance-weights, biased-reg, hyper-cleaning. */
  String name();

  /** Dimension of λ. */
  int q();

  /** The current λ (a copy). */
  double[] lambda();

  /** The same hyper-model at another λ. */
  HyperModel withLambda(double[] lambda);

  /** Returns λ after checking it has the q entries a hyper-model of dimension q needs. */
  static double[] requireLength(double[] lambda, int q) {
    if (lambda.length != q) {
      throw new IllegalArgumentException("lambda has length " + lambda.length + ", expected " + q);
    }
    return lambda;
  }

  /** wᵢ(λ): the weight of training row i in g (1 unless instance-wise). */
  double weight(int row);

  /** dwᵢ/dλᵢ (0 unless instance-wise). */
  double weightDerivative(int row);

  boolean instanceWise();

  double regularizer(double[] x);

  /** out += ∇ₓR(x, λ). */
  void addRegularizerGradient(double[] x, double[] out);

  /** out[:, m] += ∇²ₓₓR·V[:, m] for the k vectors of V (p×k). R is quadratic in x, so this does not depend on x. */
  void addRegularizerHessianProduct(double[] vs, int k, double[] out);

  /** out ← ∂_λ∇ₓR(x, λ)·z (length q); feature-wise hyper-models only. */
  void applyRegularizerCross(double[] x, double[] z, double[] out);
}
