package io.hypergrad.spark;

import io.hypergrad.model.DenseGlmHessian;
import io.hypergrad.model.RowBlock;
import io.hypergrad.model.GlmLoss;
import io.hypergrad.model.Rows;
import io.hypergrad.oracle.CounterSampler;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.ml.linalg.Vector;

/**
 * One partition's rows of a split: rows {@code start … start + size − 1} of the split, in split
 * order, stored once as a {@link RowBlock}: dense rows as one BLAS block, sparse rows in CSR; the
 * full-batch sums run over the block. The partial sums it
 * returns are computed exactly as the single-machine {@code GlmBilevelProblem} computes them, so one
 * partition reproduces it bit for bit and several differ only by how the partials are grouped.
 */
public final class RowPartition implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int start;
  private final RowBlock block;
  private final double[] labels;
  // the source ids and pre-noise labels, kept for per-row outputs when the data has them
  private final long[] ids;
  private final double[] cleanLabels;

  public RowPartition(int start, Vector[] features, double[] labels) {
    this(start, features, labels, null, null);
  }

  /** With each row's source id and, when label noise was added, its clean label (either may be null). */
  public RowPartition(int start, Vector[] features, double[] labels, long[] ids, double[] cleanLabels) {
    this.start = start;
    this.labels = labels.clone();
    this.block = RowBlock.of(features, labels, features.length == 0 ? 0 : features[0].size());
    this.ids = ids == null ? null : ids.clone();
    this.cleanLabels = cleanLabels == null ? null : cleanLabels.clone();
  }

  public int start() {
    return start;
  }

  RowBlock block() {
    return block;
  }

  double label(int local) {
    return labels[local];
  }

  /** The row's source id, or its split index when the source ids were not kept. */
  long id(int local) {
    return ids != null ? ids[local] : start + local;
  }

  boolean hasCleanLabels() {
    return cleanLabels != null;
  }

  double cleanLabel(int local) {
    return cleanLabels[local];
  }

  public int size() {
    return labels.length;
  }

  private Vector row(int local) {
    return block.row(local);
  }

  private Vector[] rows() {
    Vector[] out = new Vector[labels.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = block.row(i);
    }
    return out;
  }

  /** Σ over the given split rows that live here, in the order given: (weights[i]/divisor)·∇²ℓᵢ·V (p×k); all rows when null. */
  double[] hessianProduct(GlmLoss loss, double[] x, double[] weights, double divisor, int[] rows, double[] vs, int k, int p) {
    double[] out = new double[p * k];
    if (rows == null) {
      block.addHessianProduct(loss, x, weights, start, divisor, vs, k, out);
    } else {
      for (int i : rows) {
        int local = i - start;
        if (local >= 0 && local < labels.length) {
          loss.addHessianProduct(row(local), labels[local], x, (weights == null ? 1.0 : weights[i]) / divisor, vs, k, out);
        }
      }
    }
    return out;
  }

  /** Several sampled products in one pass: one partial per request, each computed as {@link #hessianProduct} computes it. */
  java.util.List<double[]> hessianProducts(GlmLoss loss, double[] x, double[] weights, java.util.List<SampledRequest> requests,
      int p) {
    java.util.List<double[]> out = new java.util.ArrayList<>(requests.size());
    for (SampledRequest r : requests) {
      out.add(hessianProduct(loss, x, weights, r.rows().length, r.rows(), r.vectors(), r.k(), p));
    }
    return out;
  }

  /** {Σ ℓᵢ(x), correctly classified rows} over the rows here. */
  double[] lossAndCorrect(GlmLoss loss, double[] x) {
    return block.lossAndCorrect(loss, x);
  }

  /** Σ weights[i]·ℓᵢ(x) over every row here, in order (weights null: 1). */
  double weightedLoss(GlmLoss loss, double[] x, double[] weights) {
    return block.weightedLoss(loss, x, weights, start);
  }

  /** Σ (weights[i]/divisor)·∇ℓᵢ(x) over every row here (weights null: 1/divisor), length p. */
  double[] weightedGradient(GlmLoss loss, double[] x, double[] weights, double divisor, int p) {
    double[] out = new double[p];
    block.addGradient(loss, x, weights, start, divisor, out);
    return out;
  }

  /** This partition's share of the dense loss Hessian: rows weighted weights[i]/divisor. */
  double[] denseHessian(GlmLoss loss, double[] x, double[] weights, double divisor, int featureCount) {
    double[] w = new double[labels.length];
    for (int local = 0; local < labels.length; local++) {
      w[local] = (weights == null ? 1.0 : weights[start + local]) / divisor;
    }
    return DenseGlmHessian.of(loss, rows(), labels, w, featureCount, x);
  }

  /** (B·z)ᵢ for the rows here, instance-weighted hyper-models: (w'ᵢ/n)·Σ_c rᵢ_c·(aᵢᵀz_c). */
  double[] crossProduct(GlmLoss loss, double[] x, double[] weightDerivatives, int n, double[] z, int featureCount) {
    int k = loss.outputs();
    double[] r = new double[k];
    double[] out = new double[labels.length];
    for (int local = 0; local < labels.length; local++) {
      Vector a = row(local);
      loss.residual(a, labels[local], x, r);
      double dot = 0;
      for (int c = 0; c < k; c++) {
        if (r[c] != 0) {
          dot += r[c] * Rows.dot(a, z, c * featureCount);
        }
      }
      out[local] = weightDerivatives[start + local] / n * dot;
    }
    return out;
  }

  /**
   * The rows here that the sampler draws for chains 0 … chains−1 in iterations fromT … toT − 1
   * (every row here when {@code all}), as (global index, row) in index order.
   */
  GatheredRows sampled(CounterSampler sampler, int chains, long fromT, long toT, boolean all) {
    boolean[] drawn = new boolean[labels.length];
    if (all) {
      Arrays.fill(drawn, true);
    } else {
      int[] buf = sampler.newRowBuffer();
      int end = start + labels.length;
      for (int chain = 0; chain < chains; chain++) {
        for (long t = fromT; t < toT; t++) {
          sampler.rows(chain, t, buf);
          for (int i : buf) {
            if (i >= start && i < end) {
              drawn[i - start] = true;
            }
          }
        }
      }
    }
    int count = 0;
    for (boolean b : drawn) {
      count += b ? 1 : 0;
    }
    int[] index = new int[count];
    Vector[] f = new Vector[count];
    double[] y = new double[count];
    for (int local = 0, m = 0; local < labels.length; local++) {
      if (drawn[local]) {
        index[m] = start + local;
        f[m] = row(local);
        y[m] = labels[local];
        m++;
      }
    }
    return new GatheredRows(index, f, y);
  }
}
