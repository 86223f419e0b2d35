package io.hypergrad.linalg;

import dev.ludovic.netlib.lapack.LAPACK;
import java.util.random.RandomGenerator;
import org.netlib.util.intW;

/** Haar-distributed random orthogonal matrices: QR of a Gaussian matrix, with the signs of R's diagonal folded into Q. */
public final class RandomOrthogonal {
  static {
    // The pure-Java LAPACK (F2J) keeps Fortran SAVE variables in static fields that its first call
    // fills in (dlamch's machine constants). Several threads making that first call together can
    // read a half-set constant and spin forever in dlarfg's rescaling loop, so the first QR runs
    // here, under the class-initialisation lock, before any caller can go parallel.
    draw(2, new java.util.SplittableRandom(0));
  }

  private RandomOrthogonal() {}

  /** Returns an n×n column-major orthogonal matrix drawn from {@code rng}. */
  public static double[] draw(int n, RandomGenerator rng) {
    double[] a = new double[n * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = rng.nextGaussian();
    }
    double[] tau = new double[n];
    double[] work = new double[Math.max(1, 64 * n)];
    intW info = new intW(0);
    LAPACK lapack = LAPACK.getInstance();
    lapack.dgeqrf(n, n, a, n, tau, work, work.length, info);
    check(info, "dgeqrf");
    double[] signs = new double[n];
    for (int j = 0; j < n; j++) {
      signs[j] = a[j + j * n] < 0 ? -1.0 : 1.0;
    }
    lapack.dorgqr(n, n, n, a, n, tau, work, work.length, info);
    check(info, "dorgqr");
    for (int j = 0; j < n; j++) {
      if (signs[j] < 0) {
        for (int i = 0; i < n; i++) {
          a[i + j * n] = -a[i + j * n];
        }
      }
    }
    return a;
  }

  private static void check(intW info, String routine) {
    if (info.val != 0) {
      throw new IllegalStateException(routine + " failed with info " + info.val);
    }
  }
}
