package io.hypergrad.model;

/**
 * The inner problem x ↦ g(x, λ) at fixed λ, as the inner solver sees it: value, gradient and
 * Hessian-vector product at any x. Implemented in memory by {@link GlmBilevelProblem} and on a
 * cluster by passes over the cached partitions.
 */
public interface InnerObjective {
  int p();

  double value(double[] x);

  /** out ← ∇ₓg(x). */
  void gradient(double[] x, double[] out);

  /**
   * out ← ∇ₓg(x), returning g(x): the same numbers as {@link #gradient} and {@link #value}, in one
   * pass over the rows where an implementation can share the margins.
   */
  default double valueAndGradient(double[] x, double[] out) {
    gradient(x, out);
    return value(x);
  }

  /** out ← ∇²ₓₓg(x)·v. */
  void hessianProduct(double[] x, double[] v, double[] out);
}
