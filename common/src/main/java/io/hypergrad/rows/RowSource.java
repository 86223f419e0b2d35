package io.hypergrad.rows;

import io.hypergrad.model.GlmLoss;
import io.hypergrad.oracle.CounterSampler;
import java.util.List;

/**
 * The rows of one split, wherever they live, with every sum a GLM bilevel problem needs: {@link
 * LocalRows} in this JVM (the driver plan, tests, the rows gathered for a chain task) or a
 * partitioned source on Spark executors (one pass per sum, partials added in partition order). The
 * problem holds the math once over this seam; a source knows rows, not regularisers or λ.
 *
 * <p>Rows are numbered by their index in the split; sampled row lists and weights use that index.
 * A per-row coefficient is wᵢ/divisor with wᵢ from the weights (1 without). The "add" methods add
 * into {@code out}, summing rows in split order, so one partition reproduces the sums of the rows
 * held in this JVM bit for bit.
 */
public interface RowSource {

  /** Rows held (the full batch). */
  int size();

  /** The range sampled indices are drawn from: the split's row count. */
  int splitSize();

  int featureCount();

  /** A handle for these per-row weights (split-indexed), or null when {@code values} is null. */
  RowWeights weights(double[] values);

  /** Σᵢ wᵢ·ℓᵢ(x) over every row. */
  double weightedLoss(GlmLoss loss, double[] x, RowWeights w);

  /**
   * out += Σᵢ (wᵢ/divisor)·∇ℓᵢ(x) over every row, returning Σᵢ wᵢ·ℓᵢ(x): {@link #addGradient} and
   * {@link #weightedLoss} bit for bit, in one pass.
   */
  double addLossAndGradient(GlmLoss loss, double[] x, RowWeights w, double divisor, double[] out);

  /** out += Σ (wᵢ/divisor)·∇ℓᵢ(x) over the given rows (with repeats), or every row when null. */
  void addGradient(GlmLoss loss, double[] x, RowWeights w, double divisor, int[] rows, double[] out);

  /** out[:, v] += Σ (wᵢ/divisor)·∇²ℓᵢ(x)·V[:, v] for the k vectors of V (p×k), over the given rows or every row. */
  void addHessianProduct(GlmLoss loss, double[] x, RowWeights w, double divisor, int[] rows, double[] vs, int k, double[] out);

  /** Many sampled products Σ_{i∈S}(wᵢ/|S|)·∇²ℓᵢ·V at once (one pass), each equal to its own {@link #addHessianProduct}. */
  List<double[]> hessianProducts(GlmLoss loss, double[] x, RowWeights w, List<SampledRequest> requests, int p);

  /** out (p×p, column-major) += Σᵢ (wᵢ/divisor)·∇²ℓᵢ(x), the dense loss Hessian. */
  void addDenseHessian(GlmLoss loss, double[] x, RowWeights w, double divisor, double[] out);

  /** {Σᵢ ℓᵢ(x), rows whose predicted class is their label}, unweighted. */
  double[] lossAndCorrect(GlmLoss loss, double[] x);

  /**
   * z ↦ (B·z)ᵢ = (w'ᵢ/divisor)·∇ℓᵢ(x)·z for every row, written at out[i] (split index): the cross
   * derivative of an instance-weighted hyper-model. Residuals at x are computed once per operator
   * where the rows are local; with {@code blockMargins} the margins aᵢᵀz come from the dense block's
   * BLAS calls instead of row by row.
   */
  PerRowCross perRowCross(GlmLoss loss, double[] x, RowWeights derivatives, double divisor, boolean blockMargins);

  /** out[i] += (w'ᵢ/divisor)·∇ℓᵢ(x)·z for every sampled row i (with repeats): a minibatch B·z. */
  void addSampledCross(GlmLoss loss, double[] x, RowWeights derivatives, double divisor, int[] rows, double[] z, double[] out);

  /**
   * The rows chains 0 … chains−1 of {@code sampler} draw in iterations from … to − 1 (every row when
   * {@code all}) as a source in this JVM that takes the split's indices; a local source is its own.
   */
  RowSource gather(CounterSampler sampler, int chains, long from, long to, boolean all);

  /** Whether the rows are held in this JVM (minibatch sums cost no pass). */
  boolean local();

  /** Drops cached rows (a partitioned source); nothing by default. */
  default void release() {}

  /** B·z of an instance-weighted hyper-model, per row. */
  interface PerRowCross extends java.io.Serializable {
    void apply(double[] z, double[] out);
  }
}
