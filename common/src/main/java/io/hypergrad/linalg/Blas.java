package io.hypergrad.linalg;

import dev.ludovic.netlib.blas.BLAS;

/**
 * The BLAS that MLlib uses (dev.ludovic.netlib: VectorBLAS when the JVM has
 * {@code jdk.incubator.vector}, a native one if installed, else plain Java), plus the few
 * vector helpers the estimators need. Matrices are column-major.
 */
public final class Blas {
  private static final BLAS BLAS_INSTANCE = BLAS.getInstance();

  private Blas() {}

  public static BLAS get() {
    return BLAS_INSTANCE;
  }

  /** Which implementation was picked, for logs and benchmark headers. */
  public static String implementationName() {
    return BLAS_INSTANCE.getClass().getSimpleName();
  }

  public static double dot(double[] x, double[] y) {
    return BLAS_INSTANCE.ddot(x.length, x, 1, y, 1);
  }

  public static double norm(double[] x) {
    return BLAS_INSTANCE.dnrm2(x.length, x, 1);
  }

  /** y ← a·x + y */
  public static void axpy(double a, double[] x, double[] y) {
    BLAS_INSTANCE.daxpy(x.length, a, x, 1, y, 1);
  }

  /** y ← alpha·M·x + beta·y for an m×n column-major M. */
  public static void gemv(double alpha, double[] m, int rows, int cols, double[] x, double beta, double[] y) {
    BLAS_INSTANCE.dgemv("N", rows, cols, alpha, m, rows, x, 1, beta, y, 1);
  }

  /** y ← alpha·Mᵀ·x + beta·y for an m×n column-major M. */
  public static void gemvTransposed(double alpha, double[] m, int rows, int cols, double[] x, double beta, double[] y) {
    BLAS_INSTANCE.dgemv("T", rows, cols, alpha, m, rows, x, 1, beta, y, 1);
  }

  public static double distance(double[] x, double[] y) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      double d = x[i] - y[i];
      s += d * d;
    }
    return Math.sqrt(s);
  }

  public static boolean allFinite(double[] x) {
    for (double v : x) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }
}
