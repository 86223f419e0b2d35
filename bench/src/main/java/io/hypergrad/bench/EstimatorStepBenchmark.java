package io.hypergrad.bench;

import io.hypergrad.estimator.EstimatorSpec;
import io.hypergrad.estimator.Estimators;
import io.hypergrad.estimator.StepSchedule;
import io.hypergrad.estimator.StochasticEstimator;
import io.hypergrad.linalg.Blas;
import io.hypergrad.oracle.CounterSampler;
import io.hypergrad.synthetic.SyntheticQuadraticProblem;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Seconds per iteration of every iterative estimator on the paper's 100×100 synthetic problem,
 * single-threaded: sampling + the step (HVPs and vector updates), without the per-iteration error
 * read-out. Prints a table; run it with bench/run-estimators.sh.
 *
 * <p>Args: [size=100] [pools=1000,100] [iterations per repetition=50000] [repetitions=7].
 */
public final class EstimatorStepBenchmark {

  public static void main(String[] args) {
    int size = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int[] pools = args.length > 1 ? Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray() : new int[] {1000, 100};
    int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 50_000;
    int reps = args.length > 3 ? Integer.parseInt(args[3]) : 7;
    System.out.printf(Locale.ROOT, "estimator step benchmark: p = %d, %d iterations × %d repetitions, 1 thread, BLAS %s, %s %s, %d cores%n",
        size, iterations, reps, Blas.implementationName(), System.getProperty("java.vm.name"),
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
    List<EstimatorSpec> specs = List.of(
        EstimatorSpec.neumann(1),
        EstimatorSpec.unroll(1),
        EstimatorSpec.sid(1, new StepSchedule.Linear(10, 100)),
        EstimatorSpec.mixedFp(1, 0.99),
        EstimatorSpec.mixedFpKm(1, 0.8, new StepSchedule.Linear(10, 100)));
    for (int pool : pools) {
      SyntheticQuadraticProblem sys = SyntheticQuadraticProblem.generate(size, pool, 0.01, 0);
      double poolMb = 8.0 * size * size * pool / 1e6;
      System.out.printf(Locale.ROOT, "%npool of %d matrices (%.0f MB of doubles)%n", pool, poolMb);
      System.out.printf(Locale.ROOT, "%-62s %10s %10s %10s%n", "estimator", "median µs", "min µs", "GB/s");
      for (EstimatorSpec spec : specs) {
        double[] micros = new double[reps];
        // warm-up: let the JIT compile the step before timing
        run(sys, spec, iterations, 99);
        for (int r = 0; r < reps; r++) {
          long start = System.nanoTime();
          run(sys, spec, iterations, r);
          micros[r] = (System.nanoTime() - start) / 1e3 / iterations;
        }
        Arrays.sort(micros);
        double median = micros[reps / 2];
        // one read of a p×p matrix per iteration, however many vectors ride it
        double gbs = 8.0 * size * size / (median * 1e3);
        System.out.printf(Locale.ROOT, "%-62s %10.2f %10.2f %10.1f%n", spec.label(), median, micros[0], gbs);
      }
    }
  }

  private static double run(SyntheticQuadraticProblem sys, EstimatorSpec spec, int iterations, int chain) {
    StochasticEstimator est = Estimators.create(spec, sys);
    CounterSampler sampler = new CounterSampler(1, sys.rowCount(), 1);
    int[] rows = sampler.newRowBuffer();
    for (int t = 0; t < iterations; t++) {
      sampler.rows(chain, t, rows);
      est.step(t, rows);
    }
    return est.stateNorm();
  }
}
