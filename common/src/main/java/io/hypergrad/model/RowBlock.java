package io.hypergrad.model;

import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;

/**
 * The rows of a split (or of one partition of it) stored as one block — MLlib's InstanceBlock shape:
 * one block type whose matrix does the products, dense for BLAS or CSR — with the full-batch sums a
 * GLM needs, each written once. Row i's coefficient is wᵢ·cᵢ/divisor: wᵢ = weights[offset + i] the
 * hyper-model's (1 without), cᵢ the row's own fixed instance weight (1 without; {@link
 * InstanceWeights}). The single-machine problem and every Spark partition use the same code, so one partition
 * reproduces the single-machine sums bit for bit.
 */
public final class RowBlock implements Serializable {
  private static final long serialVersionUID = 1L;

  private final BlockMatrix matrix;
  private final double[] labels;
  // cᵢ, or null: every row weighs 1
  private final double[] instanceWeights;
  // the last full-batch curvature: a Newton-CG or cg solve asks for many products at one x
  private transient volatile Curvature curvature;

  /** wᵢ·ℓ''ᵢ(x) of every row for one loss, x, hyper-model weights and divisor (K = 1). */
  private record Curvature(GlmLoss loss, double[] x, double[] weights, int offset, double divisor, double[] h) {
    boolean at(GlmLoss loss, double[] x, double[] weights, int offset, double divisor) {
      // the loss and the weights come with each task's closure: compare what they are, not which copy
      return this.loss.getClass() == loss.getClass() && this.loss.outputs() == loss.outputs()
          && this.weights == weights && this.offset == offset && this.divisor == divisor
          && Arrays.equals(this.x, x);
    }
  }

  private RowBlock(BlockMatrix matrix, double[] labels, double[] instanceWeights) {
    this.matrix = matrix;
    this.labels = labels;
    this.instanceWeights = instanceWeights;
  }

  /** A dense block when every row is dense, else CSR; every row weighs 1. */
  public static RowBlock of(Vector[] rows, double[] labels, int featureCount) {
    return of(rows, labels, null, featureCount);
  }

  /** As {@link #of(Vector[], double[], int)} with each row's instance weight (null: all 1). */
  public static RowBlock of(Vector[] rows, double[] labels, double[] instanceWeights, int featureCount) {
    InstanceWeights.check(instanceWeights, labels.length);
    boolean dense = Arrays.stream(rows).allMatch(r -> r instanceof DenseVector);
    return new RowBlock(dense ? DenseMatrixBlock.of(rows, featureCount) : CsrMatrixBlock.of(rows, featureCount),
        labels.clone(), instanceWeights == null ? null : instanceWeights.clone());
  }

  /** The same rows (the matrix shared) with their instance weights times {@code factor}. */
  public RowBlock withWeightsScaled(double factor) {
    return instanceWeights == null ? this : new RowBlock(matrix, labels, InstanceWeights.scaled(instanceWeights, factor));
  }

  /** Row i's instance weight cᵢ (1 when the rows have none). */
  public double instanceWeight(int i) {
    return instanceWeights == null ? 1.0 : instanceWeights[i];
  }

  /** The instance weights, or null when every row weighs 1. */
  public double[] instanceWeights() {
    return instanceWeights;
  }

  public int size() {
    return labels.length;
  }

  public double label(int i) {
    return labels[i];
  }

  /** Row i as a vector of its own, for the per-row code of sampled products. */
  public Vector row(int i) {
    return matrix.row(i);
  }

  /** Whether the rows are stored dense (their margins come from BLAS). */
  public boolean dense() {
    return matrix instanceof DenseMatrixBlock;
  }

  /** aᵢᵀv_j for rows from … from + len − 1 and the k vectors of V (F×k): len×k column-major. */
  public double[] products(int from, int len, double[] vs, int k) {
    return matrix.products(from, len, vs, k);
  }

  /** Rows a chunk of the block's sums holds (so per-chunk buffers stay in cache). */
  public int chunkRows() {
    return matrix.chunkRows();
  }

  /** aᵢᵀx_c for every row, n×K column-major (M[i + c·n]). */
  public double[] margins(double[] x, int k) {
    return matrix.margins(0, labels.length, x, k);
  }

  private double coefficient(double[] weights, int offset, int i, double divisor) {
    return InstanceWeights.times(instanceWeights, i, (weights == null ? 1.0 : weights[offset + i]) / divisor);
  }

  /** Σᵢ (weights[offset + i] or 1)·cᵢ·ℓᵢ(x), summed in row order. */
  public double weightedLoss(GlmLoss loss, double[] x, double[] weights, int offset) {
    int k = loss.outputs();
    int n = labels.length;
    int chunk = matrix.chunkRows();
    double s = 0;
    for (int from = 0; from < n; from += chunk) {
      int len = Math.min(chunk, n - from);
      double[] m = matrix.margins(from, len, x, k);
      for (int i = 0; i < len; i++) {
        s += InstanceWeights.times(instanceWeights, from + i, weights == null ? 1.0 : weights[offset + from + i])
            * loss.lossAtMargins(m, i, len, labels[from + i]);
      }
    }
    return s;
  }

  /** {Σᵢ cᵢℓᵢ(x), Σ cᵢ over the rows whose predicted class is their label (0 unless the loss classifies)}. */
  public double[] lossAndCorrect(GlmLoss loss, double[] x) {
    int k = loss.outputs();
    int n = labels.length;
    int chunk = matrix.chunkRows();
    boolean classifies = loss.classifies();
    double s = 0;
    double correct = 0;
    for (int from = 0; from < n; from += chunk) {
      int len = Math.min(chunk, n - from);
      double[] m = matrix.margins(from, len, x, k);
      for (int i = 0; i < len; i++) {
        double c = instanceWeight(from + i);
        double l = loss.lossAtMargins(m, i, len, labels[from + i]);
        s += instanceWeights == null ? l : c * l;
        if (classifies && loss.correctAtMargins(m, i, len, labels[from + i])) {
          correct += c;
        }
      }
    }
    return new double[] {s, correct};
  }

  /**
   * For every row i: losses[i] ← ℓᵢ(x) and dots[i] ← ∇ℓᵢ(x)·s = Σ_c rᵢ_c·(aᵢᵀs_c), rᵢ = ∂ℓᵢ/∂m at x —
   * the per-row pieces of an influence score (unweighted: the score takes cᵢ).
   */
  public void rowLossesAndGradientDots(GlmLoss loss, double[] x, double[] s, double[] losses, double[] dots) {
    int k = loss.outputs();
    int n = labels.length;
    int chunk = matrix.chunkRows();
    for (int from = 0; from < n; from += chunk) {
      int len = Math.min(chunk, n - from);
      double[] m = matrix.margins(from, len, x, k);
      double[] ms = matrix.margins(from, len, s, k);
      double[] r = new double[len * k];
      for (int i = 0; i < len; i++) {
        losses[from + i] = loss.lossAtMargins(m, i, len, labels[from + i]);
        loss.residualAtMargins(m, i, len, labels[from + i], r, i);
        double dot = 0;
        for (int c = 0; c < k; c++) {
          dot += r[i + c * len] * ms[i + c * len];
        }
        dots[from + i] = dot;
      }
    }
  }

  /** out += Σᵢ wᵢ·∇ℓᵢ(x), with wᵢ = weight/divisor. */
  public void addGradient(GlmLoss loss, double[] x, double[] weights, int offset, double divisor, double[] out) {
    addLossAndGradient(loss, x, weights, offset, divisor, out, false);
  }

  /**
   * out += Σᵢ wᵢ·∇ℓᵢ(x) as {@link #addGradient}, returning Σᵢ (weights[offset + i] or 1)·cᵢ·ℓᵢ(x) as
   * {@link #weightedLoss}: one pass, the margins shared.
   */
  public double addLossAndGradient(GlmLoss loss, double[] x, double[] weights, int offset, double divisor,
      double[] out) {
    return addLossAndGradient(loss, x, weights, offset, divisor, out, true);
  }

  private double addLossAndGradient(GlmLoss loss, double[] x, double[] weights, int offset, double divisor,
      double[] out, boolean withLoss) {
    int k = loss.outputs();
    int n = labels.length;
    int chunk = matrix.chunkRows();
    double s = 0;
    for (int from = 0; from < n; from += chunk) {
      int len = Math.min(chunk, n - from);
      double[] m = matrix.margins(from, len, x, k);
      double[] r = new double[len * k];
      for (int i = 0; i < len; i++) {
        if (withLoss) {
          s += InstanceWeights.times(instanceWeights, from + i, weights == null ? 1.0 : weights[offset + from + i])
              * loss.lossAtMargins(m, i, len, labels[from + i]);
        }
        loss.residualAtMargins(m, i, len, labels[from + i], r, i);
        double w = coefficient(weights, offset, from + i, divisor);
        for (int c = 0; c < k; c++) {
          r[i + c * len] *= w;
        }
      }
      matrix.accumulate(from, len, r, k, out, 0);
    }
    return s;
  }

  /** out[:, v] += Σᵢ wᵢ·∇²ℓᵢ(x)·V[:, v] for the kv vectors of V (p×kv), with wᵢ = weight/divisor. */
  public void addHessianProduct(GlmLoss loss, double[] x, double[] weights, int offset, double divisor, double[] vs, int kv,
      double[] out) {
    int k = loss.outputs();
    if (k > 1 || !matrix.chunkedHessian()) {
      addHessianProductByRow(loss, x, weights, offset, divisor, vs, kv, out);
      return;
    }
    int n = labels.length;
    int p = matrix.features();
    int chunk = matrix.chunkRows();
    double[] h = curvature(loss, x, weights, offset, divisor);
    if (kv >= MANY_VECTORS) {
      addHessianProductOfMany(h, vs, kv, out);
      return;
    }
    for (int from = 0; from < n; from += chunk) {
      int len = Math.min(chunk, n - from);
      double[] t = new double[len];
      for (int v = 0; v < kv; v++) {
        double[] vec = kv == 1 ? vs : Arrays.copyOfRange(vs, v * p, (v + 1) * p);
        double[] s = matrix.margins(from, len, vec, 1);
        for (int i = 0; i < len; i++) {
          t[i] = h[from + i] * s[i];
        }
        matrix.accumulate(from, len, t, 1, out, v * p);
      }
    }
  }

  /** From this many vectors on, a product is two level-3 calls a chunk (the estimators' one or two keep their own). */
  static final int MANY_VECTORS = 8;

  /** Σᵢ hᵢ·aᵢaᵢᵀ·V for many vectors (queries): S = D·V and out += Dᵀ·(h ⊙ S), one dgemm each a chunk. */
  private void addHessianProductOfMany(double[] h, double[] vs, int kv, double[] out) {
    int n = labels.length;
    int chunk = Math.max(1, Math.min(matrix.chunkRows(), (1 << 20) / kv));
    for (int from = 0; from < n; from += chunk) {
      int len = Math.min(chunk, n - from);
      double[] s = matrix.products(from, len, vs, kv);
      for (int v = 0; v < kv; v++) {
        for (int i = 0; i < len; i++) {
          s[i + v * len] *= h[from + i];
        }
      }
      matrix.accumulateMany(from, len, s, kv, out);
    }
  }

  /**
   * wᵢ·ℓ''ᵢ(x) for every row (K = 1), kept for the next product at the same x, weights and divisor:
   * the values are the ones a fresh computation gives, so the products do not change, they only
   * skip one of their three reads of the rows.
   */
  private double[] curvature(GlmLoss loss, double[] x, double[] weights, int offset, double divisor) {
    Curvature c = curvature;
    if (c != null && c.at(loss, x, weights, offset, divisor)) {
      return c.h();
    }
    int n = labels.length;
    int chunk = matrix.chunkRows();
    double[] h = new double[n];
    double[] one = new double[1];
    for (int from = 0; from < n; from += chunk) {
      int len = Math.min(chunk, n - from);
      double[] m = matrix.margins(from, len, x, 1);
      for (int i = 0; i < len; i++) {
        loss.curvatureAtMargins(m, i, len, labels[from + i], one);
        h[from + i] = coefficient(weights, offset, from + i, divisor) * one[0];
      }
    }
    curvature = new Curvature(loss, x.clone(), weights, offset, divisor, h);
    return h;
  }

  /**
   * Row by row (K > 1, and sparse rows): all of a row's products while it sits in L1 — faster here
   * than chunked level-3 calls, whose shapes are thin.
   */
  private void addHessianProductByRow(GlmLoss loss, double[] x, double[] weights, int offset, double divisor, double[] vs,
      int kv, double[] out) {
    int k = loss.outputs();
    int f = matrix.features();
    int p = k * f;
    double[] m = new double[k];
    double[] h = new double[k * k];
    double[] sv = new double[k];
    for (int i = 0; i < labels.length; i++) {
      for (int c = 0; c < k; c++) {
        m[c] = matrix.dot(i, x, c * f);
      }
      loss.curvatureAtMargins(m, 0, 1, labels[i], h);
      double w = coefficient(weights, offset, i, divisor);
      for (int v = 0; v < kv; v++) {
        for (int e = 0; e < k; e++) {
          sv[e] = matrix.dot(i, vs, v * p + e * f);
        }
        for (int c = 0; c < k; c++) {
          double acc = 0;
          for (int e = 0; e < k; e++) {
            acc += h[c * k + e] * sv[e];
          }
          if (acc != 0) {
            matrix.axpy(i, w * acc, out, v * p + c * f);
          }
        }
      }
    }
  }
}
