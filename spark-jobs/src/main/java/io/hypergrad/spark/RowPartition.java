package io.hypergrad.spark;

import io.hypergrad.model.GlmLoss;
import io.hypergrad.model.Rows;
import java.io.Serializable;
import org.apache.spark.ml.linalg.Vector;

/**
 * One partition's rows of a split: rows {@code start … start + size − 1} of the split, in split
 * order. The partial sums it returns are accumulated row by row in exactly the order the
 * single-machine code ({@code GlmBilevelProblem}) uses, so that one partition reproduces it bit for
 * bit and several differ only by how the partials are grouped.
 */
public final class RowPartition implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int start;
  private final Vector[] features;
  private final double[] labels;

  public RowPartition(int start, Vector[] features, double[] labels) {
    this.start = start;
    this.features = features;
    this.labels = labels;
  }

  public int start() {
    return start;
  }

  public int size() {
    return labels.length;
  }

  /** Σ over the given split rows that live here, in the order given: (weights[i]/divisor)·∇²ℓᵢ·V (p×k). */
  double[] hessianProduct(GlmLoss loss, double[] x, double[] weights, double divisor, int[] rows, double[] vs, int k, int p) {
    double[] out = new double[p * k];
    if (rows == null) {
      for (int local = 0; local < labels.length; local++) {
        loss.addHessianProduct(features[local], labels[local], x, weights[start + local] / divisor, vs, k, out);
      }
    } else {
      for (int i : rows) {
        int local = i - start;
        if (local >= 0 && local < labels.length) {
          loss.addHessianProduct(features[local], labels[local], x, weights[i] / divisor, vs, k, out);
        }
      }
    }
    return out;
  }

  /** This partition's share of the dense loss Hessian: rows weighted weights[i]/divisor. */
  double[] denseHessian(GlmLoss loss, double[] x, double[] weights, double divisor, int featureCount) {
    double[] w = new double[labels.length];
    for (int local = 0; local < labels.length; local++) {
      w[local] = weights[start + local] / divisor;
    }
    return io.hypergrad.model.DenseGlmHessian.of(loss, features, labels, w, featureCount, x);
  }

  /** Σ weights[i]·ℓᵢ(x) over every row here, in order. */
  double weightedLoss(GlmLoss loss, double[] x, double[] weights) {
    double s = 0;
    for (int local = 0; local < labels.length; local++) {
      s += (weights == null ? 1.0 : weights[start + local]) * loss.loss(features[local], labels[local], x);
    }
    return s;
  }

  /** Σ (weights[i]/divisor)·∇ℓᵢ(x) over every row here, in order (length p). */
  double[] weightedGradient(GlmLoss loss, double[] x, double[] weights, double divisor, int p) {
    double[] out = new double[p];
    for (int local = 0; local < labels.length; local++) {
      loss.addGradient(features[local], labels[local], x, weights[start + local] / divisor, out);
    }
    return out;
  }

  /** Σ (1/divisor)·∇ℓᵢ over every row here, in order (length p). */
  double[] gradient(GlmLoss loss, double[] x, double divisor, int p) {
    double[] out = new double[p];
    for (int local = 0; local < labels.length; local++) {
      loss.addGradient(features[local], labels[local], x, 1.0 / divisor, out);
    }
    return out;
  }

  /** (B·z)ᵢ for the rows here, instance-weighted hyper-models: (w'ᵢ/n)·Σ_c rᵢ_c·(aᵢᵀz_c). */
  double[] crossProduct(GlmLoss loss, double[] x, double[] weightDerivatives, int n, double[] z, int featureCount) {
    int k = loss.outputs();
    double[] r = new double[k];
    double[] out = new double[labels.length];
    for (int local = 0; local < labels.length; local++) {
      loss.residual(features[local], labels[local], x, r);
      double dot = 0;
      for (int c = 0; c < k; c++) {
        if (r[c] != 0) {
          dot += r[c] * Rows.dot(features[local], z, c * featureCount);
        }
      }
      out[local] = weightDerivatives[start + local] / n * dot;
    }
    return out;
  }

  /**
   * The rows here that the sampler draws for chains 0 … chains−1 in iterations 0 … iterations−1
   * (every row here when {@code all}), as (global index, row) in index order.
   */
  GatheredRows sampled(io.hypergrad.oracle.CounterSampler sampler, int chains, int iterations, boolean all) {
    boolean[] drawn = new boolean[labels.length];
    if (all) {
      java.util.Arrays.fill(drawn, true);
    } else {
      int[] buf = sampler.newRowBuffer();
      int end = start + labels.length;
      for (int chain = 0; chain < chains; chain++) {
        for (int t = 0; t < iterations; t++) {
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
        f[m] = features[local];
        y[m] = labels[local];
        m++;
      }
    }
    return new GatheredRows(index, f, y);
  }
}
