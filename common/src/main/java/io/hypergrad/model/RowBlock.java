package io.hypergrad.model;

import java.io.Serializable;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;

/**
 * The rows of a split (or of one partition of it) stored as one block — dense rows as a
 * {@link DenseRowBlock} for BLAS, sparse rows as a {@link SparseRowBlock} (CSR) — with the
 * full-batch sums a GLM needs. Row weights are wᵢ = weights[offset + i]/divisor (1/divisor without
 * weights). The single-machine problem and every Spark partition use the same code, so one
 * partition reproduces the single-machine sums bit for bit.
 */
public interface RowBlock extends Serializable {

  /** A dense block when every row is dense, else CSR. */
  static RowBlock of(Vector[] rows, double[] labels, int featureCount) {
    for (Vector r : rows) {
      if (!(r instanceof DenseVector)) {
        return SparseRowBlock.of(rows, labels, featureCount);
      }
    }
    return DenseRowBlock.of(rows, labels, featureCount);
  }

  int size();

  /** Row i as a vector of its own, for the per-row code of sampled products. */
  Vector row(int i);

  double label(int i);

  /** Σᵢ (weights[offset + i] or 1)·ℓᵢ(x), summed in row order. */
  double weightedLoss(GlmLoss loss, double[] x, double[] weights, int offset);

  /** out += Σᵢ wᵢ·∇ℓᵢ(x). */
  void addGradient(GlmLoss loss, double[] x, double[] weights, int offset, double divisor, double[] out);

  /** out[:, v] += Σᵢ wᵢ·∇²ℓᵢ(x)·V[:, v] for the kv vectors of V (p×kv). */
  void addHessianProduct(GlmLoss loss, double[] x, double[] weights, int offset, double divisor, double[] vs, int kv,
      double[] out);

  /** {Σᵢ ℓᵢ(x), number of rows whose predicted class is their label (0 unless the loss classifies)}. */
  double[] lossAndCorrect(GlmLoss loss, double[] x);

  /**
   * For every row i: losses[i] ← ℓᵢ(x) and dots[i] ← ∇ℓᵢ(x)·s = Σ_c rᵢ_c·(aᵢᵀs_c), rᵢ = ∂ℓᵢ/∂m at x —
   * the per-row pieces of an influence score.
   */
  void rowLossesAndGradientDots(GlmLoss loss, double[] x, double[] s, double[] losses, double[] dots);
}
