package io.hypergrad.bilevel;

/**
 * The stochastic first- and second-order oracle of a bilevel problem that the joint single-loop
 * methods (SOBA, NBO, NHGD) move x, the linear-system variable and λ with: every quantity at an
 * explicit x, at the λ last given to {@link #setLambda}, over a minibatch of rows (null: the full
 * batch). Sign convention as everywhere here: the hypergradient is d − B·A⁻¹c with d = ∇_λf = 0,
 * c = ∇ₓf, A = ∇²ₓₓg, B = ∂_λ∇ₓg.
 */
public interface BilevelOracle {
  int p();

  int q();

  /** Training rows (drawn by inner minibatches). */
  int trainRows();

  /** Validation rows (drawn by outer minibatches). */
  int validationRows();

  /**
   * Called before iterations from … to − 1 run, with the samplers that will draw their minibatches
   * (training chains 0 and 1 of {@code inner}, validation chain 0 of {@code outer}): an oracle whose
   * rows live elsewhere gathers the rows those iterations will read. Nothing to do by default.
   */
  default void prepare(io.hypergrad.oracle.CounterSampler inner, io.hypergrad.oracle.CounterSampler outer, long from, long to) {
  }

  /** Frees what the oracle made for itself (e.g. broadcast row weights); nothing by default. */
  default void release() {
  }

  /** Evaluates at λ from now on. */
  void setLambda(double[] lambda);

  /** out ← ∇ₓg_S(x, λ). */
  void innerGradient(double[] x, int[] rows, double[] out);

  /** out ← ∇²ₓₓg_S(x, λ)·v. */
  void innerHessianProduct(double[] x, int[] rows, double[] v, double[] out);

  /** out ← B_S(x, λ)·v (length q). */
  void crossProduct(double[] x, int[] rows, double[] v, double[] out);

  /** out ← ∇ₓf_S(x) over validation rows. */
  void outerGradient(double[] x, int[] rows, double[] out);

  /** out ← the data term's gradient of one training row at x (for an empirical Fisher). */
  void dataGradient(double[] x, int row, double[] out);

  /** The diagonal of the regulariser's Hessian at the current λ (the part of A no row carries). */
  double[] regularizerHessianDiagonal();
}
