package io.hypergrad.synthetic;

import dev.ludovic.netlib.blas.BLAS;
import io.hypergrad.linalg.Blas;
import io.hypergrad.linalg.RandomOrthogonal;
import io.hypergrad.oracle.CounterSampler;
import io.hypergrad.oracle.LinearSystemBase;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The Mixed-FP paper's synthetic problem: p = q = size, a pool of n_parent matrices
 * Aᵢ = Qᵢ diag(eᵢ) Qᵢᵀ (Qᵢ Haar-random orthogonal, eᵢ ~ U[0, 1 − ε)), B ~ U[0,1)^{q×p} and
 * c, d ~ N(0, I). A minibatch draws pool members uniformly with replacement; the true hypergradient
 * uses the pool mean Ā, the expectation of a sample.
 *
 * <p>Every random quantity comes from its own counter-keyed stream of {@code seed}, so the instance
 * does not depend on how many threads generated it.
 */
public final class SyntheticQuadraticProblem extends LinearSystemBase {
  private static final long serialVersionUID = 1L;
  private static final BLAS BLAS_INSTANCE = Blas.get();

  private final int size;
  private final int nParent;
  private final double[] pool;
  private final double[] eigenvalues;
  private final double[] meanA;
  private final double[] b;

  private SyntheticQuadraticProblem(int size, int nParent, double[] pool, double[] eigenvalues, double[] meanA,
      double[] b, double[] c, double[] d) {
    super(c, d, nParent);
    this.size = size;
    this.nParent = nParent;
    this.pool = pool;
    this.eigenvalues = eigenvalues;
    this.meanA = meanA;
    this.b = b;
  }

  /**
   * Draws an instance.
   *
   * @param size    p = q
   * @param nParent pool size
   * @param epsilon eigenvalues are drawn from [0, 1 − ε)
   * @param seed    instance seed
   */
  public static SyntheticQuadraticProblem generate(int size, int nParent, double epsilon, long seed) {
    if (size <= 0) {
      throw new IllegalArgumentException("problem.size must be positive, got " + size);
    }
    if (nParent <= 0) {
      throw new IllegalArgumentException("problem.n_parent must be positive, got " + nParent);
    }
    if (!(epsilon >= 0 && epsilon < 1)) {
      throw new IllegalArgumentException("problem.epsilon must lie in [0, 1), got " + epsilon);
    }
    long pp = (long) size * size;
    if (pp * nParent > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("a pool of " + nParent + " matrices of " + size + "×" + size
          + " does not fit one Java array; lower problem.size or problem.n_parent");
    }
    int p = size;
    double[] pool = new double[(int) (pp * nParent)];
    double[] eig = new double[nParent * p];
    IntStream.range(0, nParent).parallel().forEach(i -> {
      SplittableRandom rng = new SplittableRandom(CounterSampler.streamKey(seed, 1, i));
      double[] q = RandomOrthogonal.draw(p, rng);
      double[] m = new double[p * p];
      for (int j = 0; j < p; j++) {
        double e = rng.nextDouble() * (1.0 - epsilon);
        eig[i * p + j] = e;
        for (int r = 0; r < p; r++) {
          m[r + j * p] = q[r + j * p] * e;
        }
      }
      int off = (int) (i * pp);
      BLAS_INSTANCE.dgemm("N", "T", p, p, p, 1.0, m, 0, p, q, 0, p, 0.0, pool, off, p);
      // exact symmetry, so that cg and Cholesky see a symmetric matrix to the last bit
      for (int j = 0; j < p; j++) {
        for (int r = j + 1; r < p; r++) {
          double s = 0.5 * (pool[off + r + j * p] + pool[off + j + r * p]);
          pool[off + r + j * p] = s;
          pool[off + j + r * p] = s;
        }
      }
    });
    double[] mean = new double[(int) pp];
    for (int i = 0; i < nParent; i++) {
      BLAS_INSTANCE.daxpy((int) pp, 1.0, pool, (int) (i * pp), 1, mean, 0, 1);
    }
    for (int j = 0; j < mean.length; j++) {
      mean[j] /= nParent;
    }
    SplittableRandom rest = new SplittableRandom(CounterSampler.streamKey(seed, 2, 0));
    double[] b = new double[(int) pp];
    for (int j = 0; j < b.length; j++) {
      b[j] = rest.nextDouble();
    }
    double[] c = new double[p];
    double[] d = new double[p];
    for (int j = 0; j < p; j++) {
      c[j] = rest.nextGaussian();
    }
    for (int j = 0; j < p; j++) {
      d[j] = rest.nextGaussian();
    }
    return new SyntheticQuadraticProblem(size, nParent, pool, eig, mean, b, c, d);
  }

  @Override
  public void applyB(double[] z, double[] out) {
    Blas.gemv(1.0, b, size, size, z, 0.0, out);
  }

  @Override
  public void applyA(double[] v, double[] out) {
    Blas.gemv(1.0, meanA, size, size, v, 0.0, out);
  }

  /**
   * Each entry of A_S·v is a dot product of a column of a (symmetric) Aᵢ with v, computed by one
   * kernel whatever k is: a vector gets bit-for-bit the same product alone or fused with others,
   * and each column of Aᵢ is read from memory once for all k vectors.
   */
  @Override
  public void applySampledA(int[] rows, double[] vectors, int k, double[] out) {
    int p = size;
    int pp = p * p;
    double weight = 1.0 / rows.length;
    for (int r = 0; r < rows.length; r++) {
      int off = rows[r] * pp;
      for (int j = 0; j < p; j++) {
        int col = off + j * p;
        for (int m = 0; m < k; m++) {
          double dot = BLAS_INSTANCE.ddot(p, pool, col, 1, vectors, m * p, 1);
          if (r == 0) {
            out[m * p + j] = weight * dot;
          } else {
            out[m * p + j] += weight * dot;
          }
        }
      }
    }
  }

  @Override
  public double[] denseA() {
    return meanA.clone();
  }

  /** The eigenvalues drawn for pool member i. */
  public double[] eigenvalues(int i) {
    return Arrays.copyOfRange(eigenvalues, i * size, (i + 1) * size);
  }

  /** Pool member i as a size×size column-major copy. */
  public double[] poolMember(int i) {
    int pp = size * size;
    return Arrays.copyOfRange(pool, i * pp, (i + 1) * pp);
  }
}
