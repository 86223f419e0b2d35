package io.hypergrad.run;

/**
 * Error curves of one estimator configuration across seeds: mean and (population) standard
 * deviation per iteration, reduced in seed order so the numbers do not depend on which chain
 * finished first.
 *
 * @param mean          mean over seeds of ‖v_t − v*‖, t = 0 … T
 * @param std           standard deviation over seeds (ddof = 0), t = 0 … T
 * @param finalMean     mean[T]
 * @param finalStd      std[T]
 * @param last10Mean    mean of mean[t] over the recorded points in the last 10% of the iterations (the
 *                      paper's selection rule)
 * @param every         the recording stride: point i is iteration min(i·every, T)
 * @param iterations    T
 */
public record ErrorSummary(double[] mean, double[] std, double finalMean, double finalStd, double last10Mean, int every,
    int iterations) {

  /** Reduces per-seed curves recorded at every iteration. */
  public static ErrorSummary of(double[][] perSeed) {
    return of(perSeed, 1, perSeed.length == 0 ? 0 : perSeed[0].length - 1);
  }

  /** The iteration of recorded point i. */
  public int iterationAt(int i) {
    return (int) Math.min((long) i * every, iterations);
  }

  /** Reduces per-seed curves (all of the same length, recorded every {@code every} iterations), in the order given. */
  public static ErrorSummary of(double[][] perSeed, int every, int iterations) {
    if (perSeed.length == 0) {
      throw new IllegalArgumentException("no chains to summarise");
    }
    int n = perSeed[0].length;
    double[] mean = new double[n];
    double[] std = new double[n];
    for (double[] chain : perSeed) {
      if (chain.length != n) {
        throw new IllegalArgumentException("chains have different lengths: " + chain.length + " and " + n);
      }
      for (int t = 0; t < n; t++) {
        mean[t] += chain[t];
      }
    }
    for (int t = 0; t < n; t++) {
      mean[t] /= perSeed.length;
    }
    for (double[] chain : perSeed) {
      for (int t = 0; t < n; t++) {
        double dev = chain[t] - mean[t];
        std[t] += dev * dev;
      }
    }
    for (int t = 0; t < n; t++) {
      std[t] = Math.sqrt(std[t] / perSeed.length);
    }
    int window = Math.max(1, (int) Math.ceil((n - 1) / 10.0));
    double last10 = 0;
    for (int t = n - window; t < n; t++) {
      last10 += mean[t];
    }
    last10 /= window;
    return new ErrorSummary(mean, std, mean[n - 1], std[n - 1], last10, every, iterations);
  }
}
