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
}
