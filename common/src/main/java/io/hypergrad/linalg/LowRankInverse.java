package io.hypergrad.linalg;

import dev.ludovic.netlib.lapack.LAPACK;
import java.util.SplittableRandom;
import org.netlib.util.intW;

/**
 * An approximate A⁻¹ for A = D + H, D a positive diagonal known exactly (the regulariser) and H
 * the data's curvature, reached only through products (one pass over the rows for a block of
 * vectors). In the scaled S = D^{-1/2}·A·D^{-1/2} = I + D^{-1/2}HD^{-1/2} the data's part is
 * found on a rank-k subspace Q by randomized subspace iteration (Halko, Martinsson & Tropp 2011,
 * Alg. 4.4: a Gaussian start, a few power steps, each one block product and a QR), S is projected
 * on it (Rayleigh–Ritz: T = QᵀSQ = WΘWᵀ, U = QW), and the rest of S is taken as I — only the
 * regulariser's curvature:
 *
 * <pre>  S ≈ UΘUᵀ + (I − UUᵀ)   so   gᵀA⁻¹g ≈ ‖g̃‖² + Σⱼ (uⱼᵀg̃)²·(1/θⱼ − 1),   g̃ = D^{-1/2}g.</pre>
 *
 * The approximation is exact when k ≥ p, and close when H's spectrum (scaled) decays, as it does
 * for features that are correlated; a direction the subspace misses is treated as carrying no data
 * curvature, so the form there is too large. The cost is (power steps + 2) block passes of k
 * vectors and k·p doubles, on the driver and broadcast.
 */
public final class LowRankInverse implements InverseQuadratic {
  private static final long serialVersionUID = 1L;

  /** out ← A·V for the k vectors of V (p×k column-major; vector m at [m·p, (m+1)·p)). */
  @FunctionalInterface
  public interface BlockOperator {
    void apply(double[] vs, int k, double[] out);
  }

  /** {@link #kind}. */
  public static final String KIND = "low-rank";

  private final int p;
  private final int k;
  // D^{-1/2}
  private final double[] scale;
  // D^{-1/2}·uⱼ, vector j at [j·p, (j+1)·p): g's projections without scaling g first
  private final double[] scaledBasis;
  // 1/θⱼ − 1
  private final double[] weights;
  private final double[] ritzValues;

  private LowRankInverse(int p, int k, double[] scale, double[] scaledBasis, double[] weights, double[] ritzValues) {
    this.p = p;
    this.k = k;
    this.scale = scale;
    this.scaledBasis = scaledBasis;
    this.weights = weights;
    this.ritzValues = ritzValues;
  }

  /**
   * The rank-min(rank, p) approximation for the operator a, the diagonal d (every entry positive),
   * {@code powerSteps} power steps and a Gaussian start drawn from {@code seed}.
   *
   * @throws IllegalArgumentException for a non-positive diagonal entry, or when the projection of S
   *     is not positive definite (A is not)
   */
  public static LowRankInverse of(BlockOperator a, double[] d, int rank, int powerSteps, long seed) {
    int p = d.length;
    if (rank < 1 || powerSteps < 0) {
      throw new IllegalArgumentException("rank must be ≥ 1 and power steps ≥ 0, got " + rank + " and " + powerSteps);
    }
    double[] scale = new double[p];
    for (int j = 0; j < p; j++) {
      if (!(d[j] > 0) || !Double.isFinite(d[j])) {
        throw new IllegalArgumentException("the diagonal must be positive and finite; entry " + j + " is " + d[j]);
      }
      scale[j] = 1 / Math.sqrt(d[j]);
    }
    int k = Math.min(rank, p);
    double[] q = new double[p * k];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < q.length; i++) {
      q[i] = gaussian(random);
    }
    double[] sq = new double[p * k];
    for (int step = 0; step <= powerSteps; step++) {
      // the data's part S − I: its leading directions are the ones A⁻¹ must not take as regulariser only
      applyScaled(a, scale, q, k, sq);
      Blas.axpy(-1, q, sq);
      q = orthonormal(sq, p, k);
    }
    applyScaled(a, scale, q, k, sq);
    double[] t = new double[k * k];
    Blas.get().dgemm("T", "N", k, k, p, 1.0, q, p, sq, p, 0.0, t, k);
    double[] theta = symmetricEigen(t, k);
    double[] u = new double[p * k];
    Blas.get().dgemm("N", "N", p, k, k, 1.0, q, p, t, k, 0.0, u, p);
    double[] weights = new double[k];
    for (int j = 0; j < k; j++) {
      if (!(theta[j] > 0)) {
        throw new IllegalArgumentException("the projected Hessian has eigenvalue " + theta[j] + ": A is not positive "
            + "definite at this point");
      }
      weights[j] = 1 / theta[j] - 1;
      for (int i = 0; i < p; i++) {
        u[j * p + i] *= scale[i];
      }
    }
    return new LowRankInverse(p, k, scale, u, weights, theta);
  }

  /** out ← S·V = D^{-1/2}·A·D^{-1/2}·V. */
  private static void applyScaled(BlockOperator a, double[] scale, double[] vs, int k, double[] out) {
    int p = scale.length;
    double[] scaled = new double[p * k];
    for (int i = 0; i < p * k; i++) {
      scaled[i] = vs[i] * scale[i % p];
    }
    a.apply(scaled, k, out);
    for (int i = 0; i < p * k; i++) {
      out[i] *= scale[i % p];
    }
  }

  /** An orthonormal basis of the columns of y (p×k), by LAPACK's Householder QR (dgeqrf, dorgqr). */
  private static double[] orthonormal(double[] y, int p, int k) {
    double[] q = y.clone();
    double[] tau = new double[k];
    intW info = new intW(0);
    double[] query = new double[1];
    LAPACK lapack = LAPACK.getInstance();
    lapack.dgeqrf(p, k, q, p, tau, query, -1, info);
    double[] work = new double[Math.max(1, (int) query[0])];
    lapack.dgeqrf(p, k, q, p, tau, work, work.length, info);
    check("dgeqrf", info);
    lapack.dorgqr(p, k, k, q, p, tau, query, -1, info);
    work = new double[Math.max(1, (int) query[0])];
    lapack.dorgqr(p, k, k, q, p, tau, work, work.length, info);
    check("dorgqr", info);
    return q;
  }

  /** The eigenvalues of the symmetric k×k t (ascending); t is overwritten by the eigenvectors (LAPACK dsyev). */
  private static double[] symmetricEigen(double[] t, int k) {
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < i; j++) {
        double mean = 0.5 * (t[i * k + j] + t[j * k + i]);
        t[i * k + j] = mean;
        t[j * k + i] = mean;
      }
    }
    double[] w = new double[k];
    intW info = new intW(0);
    double[] query = new double[1];
    LAPACK.getInstance().dsyev("V", "L", k, t, k, w, query, -1, info);
    double[] work = new double[Math.max(1, (int) query[0])];
    LAPACK.getInstance().dsyev("V", "L", k, t, k, w, work, work.length, info);
    check("dsyev", info);
    return w;
  }

  private static void check(String routine, intW info) {
    if (info.val != 0) {
      throw new IllegalStateException(routine + " failed with info = " + info.val);
    }
  }

  private static double gaussian(SplittableRandom random) {
    // Box–Muller: the JDK's nextGaussian is not on SplittableRandom in Java 17
    double u = 1 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  @Override
  public String kind() {
    return KIND;
  }

  /** k, then D^{-1/2} (p), the scaled basis (k·p), 1/θ − 1 (k) and θ (k). */
  @Override
  public double[] storage() {
    double[] out = new double[1 + p + k * p + 2 * k];
    out[0] = k;
    System.arraycopy(scale, 0, out, 1, p);
    System.arraycopy(scaledBasis, 0, out, 1 + p, k * p);
    System.arraycopy(weights, 0, out, 1 + p + k * p, k);
    System.arraycopy(ritzValues, 0, out, 1 + p + k * p + k, k);
    return out;
  }

  /** One saved by {@link #storage}, of dimension p. */
  public static LowRankInverse ofStorage(double[] storage, int p) {
    int k = storage.length > 0 ? (int) storage[0] : -1;
    if (k < 1 || storage.length != 1 + p + (long) k * p + 2L * k) {
      throw new IllegalArgumentException("a rank-k inverse of dimension " + p + " has 1 + p + k·p + 2k entries; got "
          + storage.length + " with k = " + k);
    }
    return new LowRankInverse(p, k, java.util.Arrays.copyOfRange(storage, 1, 1 + p),
        java.util.Arrays.copyOfRange(storage, 1 + p, 1 + p + k * p),
        java.util.Arrays.copyOfRange(storage, 1 + p + k * p, 1 + p + k * p + k),
        java.util.Arrays.copyOfRange(storage, 1 + p + k * p + k, 1 + p + k * p + 2 * k));
  }

  @Override
  public int size() {
    return p;
  }

  /** The rank used: min(rank asked, p). */
  public int rank() {
    return k;
  }

  /** The Ritz values θⱼ of S on the subspace (ascending; 1 is the regulariser alone). */
  public double[] ritzValues() {
    return ritzValues.clone();
  }

  @Override
  public double inverseQuadraticForm(double[] g) {
    if (g.length != p) {
      throw new IllegalArgumentException("vector has length " + g.length + ", expected " + p);
    }
    double form = 0;
    for (int i = 0; i < p; i++) {
      double v = g[i] * scale[i];
      form += v * v;
    }
    for (int j = 0; j < k; j++) {
      double z = 0;
      int at = j * p;
      for (int i = 0; i < p; i++) {
        z += scaledBasis[at + i] * g[i];
      }
      form += weights[j] * z * z;
    }
    return form;
  }
}
