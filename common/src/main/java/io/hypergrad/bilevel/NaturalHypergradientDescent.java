package io.hypergrad.bilevel;

import io.hypergrad.linalg.DenseCholesky;
import java.util.Map;

/**
 * NHGD, natural hypergradient descent (Kong, Chen, Zhang, Mou 2026): the Hessian A is replaced by
 * the empirical Fisher of the inner minibatch gradients plus the regulariser's exact Hessian, whose
 * inverse P is kept in parallel with the inner SGD. Each step reuses the per-sample gradients the
 * SGD step computes: the smoothed Fisher F ← ρ_F·F + (1 − ρ_F)·gᵢgᵢᵀ is updated and P by the
 * matching Sherman–Morrison rank-one formula; every {@code refresh} steps P is recomputed exactly as
 * (F + ∇²R(λ))⁻¹ (between refreshes the regulariser's share decays with ρ_F — the price of keeping
 * the update rank-one). The hypergradient is −B·(P·c). F and P are block-diagonal with
 * {@code blocks} equal blocks (one per class for softmax keeps the O(p²) state affordable).
 * The update formulas are reconstructed (ALGORITHMS.md §11); the paper's experiments also used a
 * smoothed rank-one update.
 */
public final class NaturalHypergradientDescent extends JointMethod {
  private final double rho0;
  private final double outerRatio;
  private final double smoothing;
  private final int fisherSamples;
  private final int blocks;
  private final int m;
  private final int refresh;
  private final double[][] fisher;
  private final double[][] inverse;
  private final double[] g;
  private final double[] gi;
  private final double[] pg;
  private final double[] c;
  private final double[] bu;

  public NaturalHypergradientDescent(BilevelOracle oracle, double[] x0, double[] lambda0, double rho0, double outerRatio,
      double smoothing, int fisherSamples, int blocks, int refresh) {
    super(oracle, x0, lambda0);
    if (p % blocks != 0) {
      throw new IllegalArgumentException("fisher_blocks = " + blocks + " does not divide p = " + p);
    }
    this.rho0 = rho0;
    this.outerRatio = outerRatio;
    this.smoothing = smoothing;
    this.fisherSamples = fisherSamples;
    this.blocks = blocks;
    this.m = p / blocks;
    this.refresh = refresh;
    this.fisher = new double[blocks][m * m];
    this.inverse = new double[blocks][m * m];
    this.g = new double[p];
    this.gi = new double[p];
    this.pg = new double[m];
    this.c = new double[p];
    this.bu = new double[q];
    oracle.setLambda(lambda);
    refreshInverse();
  }

  @Override
  public String name() {
    return "nhgd";
  }

  @Override
  public void step(long t, int[] inner, int[] inner2, int[] outer) {
    oracle.setLambda(lambda);
    if (t > 0 && t % refresh == 0) {
      refreshInverse();
    }
    oracle.innerGradient(x, inner, g);
    // one smoothing step per iteration: F ← ρ_F·F + (1 − ρ_F)·mean of the samples' gᵢgᵢᵀ
    int samples = Math.min(fisherSamples, inner.length);
    double weight = (1 - smoothing) / samples;
    for (int b = 0; b < blocks; b++) {
      scale(b);
    }
    for (int s = 0; s < samples; s++) {
      oracle.dataGradient(x, inner[s], gi);
      for (int b = 0; b < blocks; b++) {
        rankOne(b, gi, b * m, weight);
      }
    }
    oracle.outerGradient(x, outer, c);
    for (int b = 0; b < blocks; b++) {
      multiply(inverse[b], c, b * m, u, b * m);
    }
    oracle.crossProduct(x, inner, u, bu);
    double rho = rho0 / Math.sqrt(t + 1.0);
    for (int j = 0; j < p; j++) {
      x[j] -= rho * g[j];
    }
    outerStep(rho / outerRatio, bu);
  }

  /** F ← ρ_F·F and P ← P/ρ_F on block b. */
  private void scale(int b) {
    double[] f = fisher[b];
    double[] pInv = inverse[b];
    double inv = 1 / smoothing;
    for (int i = 0; i < f.length; i++) {
      f[i] *= smoothing;
      pInv[i] *= inv;
    }
  }

  /** F ← F + w·ggᵀ and, by Sherman–Morrison, P ← P − (Pg)(Pg)ᵀ/(1/w + gᵀPg) on block b (g read from at). */
  private void rankOne(int b, double[] grad, int at, double w) {
    double[] f = fisher[b];
    double[] pInv = inverse[b];
    double gpg = 0;
    for (int i = 0; i < m; i++) {
      double s = 0;
      for (int j = 0; j < m; j++) {
        s += pInv[i * m + j] * grad[at + j];
      }
      pg[i] = s;
      gpg += grad[at + i] * s;
    }
    double denom = 1 / w + gpg;
    for (int i = 0; i < m; i++) {
      double wg = w * grad[at + i];
      double pgi = pg[i] / denom;
      for (int j = 0; j < m; j++) {
        f[i * m + j] += wg * grad[at + j];
        pInv[i * m + j] -= pgi * pg[j];
      }
    }
  }

  /** P ← (F + ∇²R(λ))⁻¹ block by block (Cholesky). */
  private void refreshInverse() {
    double[] diag = oracle.regularizerHessianDiagonal();
    double[] e = new double[m];
    for (int b = 0; b < blocks; b++) {
      double[] a = fisher[b].clone();
      for (int i = 0; i < m; i++) {
        a[i * m + i] += diag[b * m + i];
      }
      DenseCholesky chol = DenseCholesky.factor(a, m);
      for (int j = 0; j < m; j++) {
        e[j] = 1;
        double[] col = chol.solve(e);
        e[j] = 0;
        for (int i = 0; i < m; i++) {
          inverse[b][i * m + j] = col[i];
        }
      }
    }
  }

  private void multiply(double[] a, double[] v, int vAt, double[] out, int outAt) {
    for (int i = 0; i < m; i++) {
      double s = 0;
      for (int j = 0; j < m; j++) {
        s += a[i * m + j] * v[vAt + j];
      }
      out[outAt + i] = s;
    }
  }

  @Override
  public Map<String, double[]> state() {
    Map<String, double[]> st = super.state();
    for (int b = 0; b < blocks; b++) {
      st.put("fisher" + b, fisher[b].clone());
      st.put("inverse" + b, inverse[b].clone());
    }
    return st;
  }

  @Override
  public void restore(Map<String, double[]> state) {
    super.restore(state);
    for (int b = 0; b < blocks; b++) {
      copy(state, "fisher" + b, fisher[b]);
      copy(state, "inverse" + b, inverse[b]);
    }
  }
}
