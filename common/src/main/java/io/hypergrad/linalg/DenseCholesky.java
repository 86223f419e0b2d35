package io.hypergrad.linalg;

import dev.ludovic.netlib.lapack.LAPACK;
import org.netlib.util.intW;

/**
 * Cholesky factorisation A = L·Lᵀ of a dense symmetric positive definite matrix (LAPACK
 * dpotrf/dpotrs); serializable, so one factor can be broadcast to every executor.
 */
public final class DenseCholesky implements InverseQuadratic {
  private static final long serialVersionUID = 1L;

  /** {@link #kind}. */
  public static final String KIND = "cholesky";

  private final int n;
  private final double[] factor;

  private DenseCholesky(int n, double[] factor) {
    this.n = n;
    this.factor = factor;
  }

  /**
   * Factors the n×n column-major matrix {@code a} (not modified).
   *
   * @throws IllegalArgumentException if it is not positive definite
   */
  public static DenseCholesky factor(double[] a, int n) {
    if (a.length != (long) n * n) {
      throw new IllegalArgumentException("matrix has " + a.length + " entries, expected " + n + "×" + n);
    }
    double[] f = a.clone();
    intW info = new intW(0);
    LAPACK.getInstance().dpotrf("L", n, f, n, info);
    if (info.val > 0) {
      throw new IllegalArgumentException("the matrix is not positive definite (leading minor " + info.val
          + " of " + n + " is not positive): the inner problem is not strongly convex at this point");
    }
    if (info.val < 0) {
      throw new IllegalStateException("dpotrf rejected argument " + (-info.val));
    }
    return new DenseCholesky(n, f);
  }

  @Override
  public int size() {
    return n;
  }

  @Override
  public String kind() {
    return KIND;
  }

  /** The factor's storage (n×n, column-major; L in the lower triangle), to save it. */
  @Override
  public double[] storage() {
    return factor.clone();
  }

  /** A factor saved by {@link #storage}. */
  public static DenseCholesky ofStorage(double[] storage, int n) {
    if (storage.length != (long) n * n) {
      throw new IllegalArgumentException("a factor of " + n + "×" + n + " has " + n * n + " entries, got " + storage.length);
    }
    return new DenseCholesky(n, storage.clone());
  }

  /** bᵀA⁻¹b = ‖L⁻¹b‖²: one triangular solve (BLAS dtrsv), b not modified. */
  @Override
  public double inverseQuadraticForm(double[] b) {
    if (b.length != n) {
      throw new IllegalArgumentException("vector has length " + b.length + ", expected " + n);
    }
    double[] z = b.clone();
    Blas.get().dtrsv("L", "N", "N", n, factor, n, z, 1);
    double s = 0;
    for (double v : z) {
      s += v * v;
    }
    return s;
  }

  /** Returns A⁻¹·b. */
  public double[] solve(double[] b) {
    if (b.length != n) {
      throw new IllegalArgumentException("right-hand side has length " + b.length + ", expected " + n);
    }
    double[] x = b.clone();
    intW info = new intW(0);
    LAPACK.getInstance().dpotrs("L", n, 1, factor, n, x, n, info);
    if (info.val != 0) {
      throw new IllegalStateException("dpotrs failed with info " + info.val);
    }
    return x;
  }
}
