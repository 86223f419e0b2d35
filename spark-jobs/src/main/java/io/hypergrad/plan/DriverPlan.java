package io.hypergrad.plan;

import io.hypergrad.estimator.EstimatorSpec;
import io.hypergrad.oracle.CounterSampler;
import io.hypergrad.oracle.StochasticLinearSystem;
import io.hypergrad.output.LabelResult;
import io.hypergrad.run.ChainResult;
import io.hypergrad.run.ChainRunner;
import io.hypergrad.run.ErrorSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The {@code driver} plan: every (configuration, seed) chain in this JVM, on a fixed pool of threads.
 * Chain s of every configuration draws the same rows (common random numbers), and results are
 * reduced in seed order, so the output does not depend on the thread count.
 */
public final class DriverPlan {
  private DriverPlan() {}

  /**
   * One configuration's chains, given in seed order, reduced in that order: error mean/std and the
   * seed-mean estimate. Every plan reduces through here, so plans agree bit for bit.
   */
  public static LabelResult reduce(EstimatorSpec spec, List<ChainResult> perSeed, int every, int iterations, int q) {
    double[][] errors = new double[perSeed.size()][];
    double[] meanEstimate = new double[q];
    double seconds = 0;
    for (int s = 0; s < perSeed.size(); s++) {
      ChainResult r = perSeed.get(s);
      errors[s] = r.errors();
      seconds += r.seconds();
      for (int j = 0; j < q; j++) {
        meanEstimate[j] += r.estimate()[j];
      }
    }
    for (int j = 0; j < q; j++) {
      meanEstimate[j] /= perSeed.size();
    }
    return new LabelResult(spec, ErrorSummary.of(errors, every, iterations), meanEstimate, seconds, Map.of());
  }

  public static List<LabelResult> run(StochasticLinearSystem system, double[] vStar, List<EstimatorSpec> specs, int seeds,
      long baseSeed, int batch, int iterations, int every, int threads, double divergenceFactor, Progress progress) {
    return run(system, vStar, specs, seeds, baseSeed, batch, iterations, every, threads, divergenceFactor, progress, null);
  }

  /** As above; {@code coalescer} (plan distributed) is told when each chain starts and ends. */
  public static List<LabelResult> run(StochasticLinearSystem system, double[] vStar, List<EstimatorSpec> specs, int seeds,
      long baseSeed, int batch, int iterations, int every, int threads, double divergenceFactor, Progress progress,
      PassCoalescer coalescer) {
    ChainRunner runner = new ChainRunner(system, vStar, divergenceFactor);
    CounterSampler sampler = new CounterSampler(baseSeed, system.rowCount(), batch);
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "chain");
      t.setDaemon(true);
      return t;
    });
    AtomicIntegerArray remaining = new AtomicIntegerArray(specs.size());
    for (int i = 0; i < specs.size(); i++) {
      remaining.set(i, seeds);
    }
    int[] labelsDone = {0};
    try {
      List<List<Future<ChainResult>>> futures = new ArrayList<>();
      for (int i = 0; i < specs.size(); i++) {
        EstimatorSpec spec = specs.get(i);
        int index = i;
        List<Future<ChainResult>> perSeed = new ArrayList<>();
        for (int s = 0; s < seeds; s++) {
          int chain = s;
          perSeed.add(pool.submit(() -> {
            ChainResult r;
            if (coalescer != null) {
              coalescer.chainStarted();
            }
            try {
              r = runner.run(spec, sampler, chain, iterations, every);
            } finally {
              if (coalescer != null) {
                coalescer.chainEnded();
              }
            }
            progress.chainDone();
            if (remaining.decrementAndGet(index) == 0) {
              synchronized (labelsDone) {
                labelsDone[0]++;
                progress.line(String.format(Locale.ROOT, "[%d/%d] %s done", labelsDone[0], specs.size(), spec.label()));
              }
            }
            return r;
          }));
        }
        futures.add(perSeed);
      }
      List<LabelResult> results = new ArrayList<>();
      for (int i = 0; i < specs.size(); i++) {
        List<ChainResult> perSeed = new ArrayList<>();
        for (int s = 0; s < seeds; s++) {
          perSeed.add(futures.get(i).get(s).get());
        }
        results.add(reduce(specs.get(i), perSeed, every, iterations, system.q()));
      }
      return results;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }
}
