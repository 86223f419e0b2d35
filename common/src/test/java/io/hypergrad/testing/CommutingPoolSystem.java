package io.hypergrad.testing;

import io.hypergrad.linalg.RandomOrthogonal;
import io.hypergrad.oracle.LinearSystemBase;
import java.util.SplittableRandom;

/**
 * A test problem with a known answer: a pool of Aᵢ = Q diag(eᵢ) Qᵀ sharing one orthogonal Q, so
 * Ā = Q diag(ē) Qᵀ and A⁻¹c = Q diag(1/ē) Qᵀ c in closed form, independent of any solver. p ≠ q so
 * that a transposed B shows up as a dimension error.
 */
public final class CommutingPoolSystem extends LinearSystemBase {
  private static final long serialVersionUID = 1L;
  private final int p;
  private final int q;
  private final double[] qMatrix;
  private final double[][] eig;
  private final double[] meanEig;
  private final double[] b;
  private final double[] c;
  private final double[] d;

  /** Eigenvalues of every pool member are drawn uniformly from [lo, hi]. */
  public CommutingPoolSystem(int p, int q, int poolSize, double lo, double hi, long seed) {
    super(new double[p], new double[q], poolSize);
    this.p = p;
    this.q = q;
    this.c = c();
    this.d = d();
    SplittableRandom rng = new SplittableRandom(seed);
    this.qMatrix = RandomOrthogonal.draw(p, rng);
    this.eig = new double[poolSize][p];
    this.meanEig = new double[p];
    for (int i = 0; i < poolSize; i++) {
      for (int j = 0; j < p; j++) {
        eig[i][j] = lo + (hi - lo) * rng.nextDouble();
        meanEig[j] += eig[i][j] / poolSize;
      }
    }
    this.b = new double[q * p];
    for (int i = 0; i < b.length; i++) {
      b[i] = rng.nextGaussian();
    }
    for (int j = 0; j < p; j++) {
      c[j] = rng.nextGaussian();
    }
    for (int j = 0; j < q; j++) {
      d[j] = rng.nextGaussian();
    }
  }

  /** v* = d − B Q diag(1/ē) Qᵀ c, computed with plain loops. */
  public double[] trueHypergradient() {
    double[] x = spectral(c, meanEig, true);
    double[] v = d.clone();
    double[] bx = new double[q];
    applyB(x, bx);
    for (int i = 0; i < q; i++) {
      v[i] -= bx[i];
    }
    return v;
  }

  public double smallestMeanEigenvalue() {
    double m = Double.POSITIVE_INFINITY;
    for (double e : meanEig) {
      m = Math.min(m, e);
    }
    return m;
  }

  /** Q diag(e) Qᵀ v, or Q diag(1/e) Qᵀ v when {@code invert}. */
  private double[] spectral(double[] v, double[] e, boolean invert) {
    double[] coeff = new double[p];
    for (int k = 0; k < p; k++) {
      double s = 0;
      for (int r = 0; r < p; r++) {
        s += qMatrix[r + k * p] * v[r];
      }
      coeff[k] = invert ? s / e[k] : s * e[k];
    }
    double[] out = new double[p];
    for (int k = 0; k < p; k++) {
      for (int r = 0; r < p; r++) {
        out[r] += qMatrix[r + k * p] * coeff[k];
      }
    }
    return out;
  }






  @Override
  public void applyB(double[] z, double[] out) {
    for (int i = 0; i < q; i++) {
      double s = 0;
      for (int j = 0; j < p; j++) {
        s += b[i + j * q] * z[j];
      }
      out[i] = s;
    }
  }

  @Override
  public void applyA(double[] v, double[] out) {
    System.arraycopy(spectral(v, meanEig, false), 0, out, 0, p);
  }

  @Override
  public void applySampledA(int[] rows, double[] vectors, int k, double[] out) {
    for (int m = 0; m < k; m++) {
      double[] v = new double[p];
      System.arraycopy(vectors, m * p, v, 0, p);
      double[] acc = new double[p];
      for (int row : rows) {
        double[] r = spectral(v, eig[row], false);
        for (int j = 0; j < p; j++) {
          acc[j] += r[j] / rows.length;
        }
      }
      System.arraycopy(acc, 0, out, m * p, p);
    }
  }
}
