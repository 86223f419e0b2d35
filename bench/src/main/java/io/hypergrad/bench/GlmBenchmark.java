package io.hypergrad.bench;

import io.hypergrad.config.EstimatorGrid;
import io.hypergrad.config.JobConfig;
import io.hypergrad.estimator.EstimatorSpec;
import io.hypergrad.estimator.Estimators;
import io.hypergrad.estimator.StochasticEstimator;
import io.hypergrad.config.ConfigKeys;
import io.hypergrad.task.GlmTask;
import io.hypergrad.task.Task;
import io.hypergrad.linalg.Blas;
import io.hypergrad.model.GlmBilevelProblem;
import io.hypergrad.model.GlmLoss;
import io.hypergrad.model.LabeledRows;
import io.hypergrad.model.LogisticLoss;
import io.hypergrad.model.RidgeHyperModel;
import io.hypergrad.model.SoftmaxLoss;
import io.hypergrad.oracle.CounterSampler;
import io.hypergrad.oracle.StochasticLinearSystem;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;

/**
 * GLM oracle and estimator costs, single-threaded:
 * (1) full-batch Hessian-vector products over generated dense rows — rows/s and GB/s of feature
 * data read — for binary logistic (F = 100) and softmax (F = 784, K = 10), with 1 and 2 vectors per
 * pass; (2) seconds per iteration of every estimator of the given task configs (sampling + step,
 * without the error read-out). Run it with bench/run-glm.sh.
 *
 * <p>Args: [config files, comma-separated] [iterations per repetition=20000] [repetitions=5].
 */
public final class GlmBenchmark {

  public static void main(String[] args) throws Exception {
    String confs = args.length > 0 ? args[0] : "conf/adult-l2.conf";
    int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    int reps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    System.out.printf(Locale.ROOT, "GLM benchmark: 1 thread, BLAS %s, %s %s, %d cores%n", Blas.implementationName(),
        System.getProperty("java.vm.name"), System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());

    System.out.printf(Locale.ROOT, "%n(1) full-batch A·V over generated dense rows%n");
    System.out.printf(Locale.ROOT, "%-34s %8s %6s %10s %12s %8s%n", "model", "rows", "k", "ms/pass", "rows/s", "GB/s");
    hvp("logistic, F = 100", new LogisticLoss(), 100_000, 100, reps);
    hvp("softmax, F = 784, K = 10", new SoftmaxLoss(10), 10_000, 784, reps);

    System.out.printf(Locale.ROOT, "%n(2) seconds per iteration (batch as configured, one chain, no error read-out)%n");
    System.out.printf(Locale.ROOT, "%-20s %-66s %12s %12s%n", "config", "estimator", "median µs", "min µs");
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    for (String conf : confs.split(",")) {
      JobConfig cfg = JobConfig.load(new File(conf), List.of(), ConfigKeys.Job.ESTIMATE);
      Task task = GlmTask.build(cfg, quiet);
      int batch = cfg.getPositiveInt("batch", 1);
      String name = new File(conf).getName().replace(".conf", "");
      for (EstimatorSpec spec : EstimatorGrid.expand(cfg, iterations, s -> { })) {
        if (!spec.method().isIterative()) {
          continue;
        }
        double[] micros = new double[reps];
        steps(task.system(), spec, batch, iterations, 99);
        for (int r = 0; r < reps; r++) {
          long start = System.nanoTime();
          steps(task.system(), spec, batch, iterations, r);
          micros[r] = (System.nanoTime() - start) / 1e3 / iterations;
        }
        Arrays.sort(micros);
        System.out.printf(Locale.ROOT, "%-20s %-66s %12.2f %12.2f%n", name, spec.label(), micros[reps / 2], micros[0]);
      }
    }
  }

  private static void hvp(String what, GlmLoss loss, int n, int f, int reps) {
    SplittableRandom rng = new SplittableRandom(7);
    Vector[] rows = new Vector[n];
    double[] labels = new double[n];
    int classes = loss.outputs();
    for (int i = 0; i < n; i++) {
      double[] a = new double[f];
      for (int j = 0; j < f; j++) {
        a[j] = rng.nextDouble() - 0.5;
      }
      rows[i] = Vectors.dense(a);
      labels[i] = rng.nextInt(Math.max(2, classes));
    }
    LabeledRows data = new LabeledRows(rows, labels, f);
    GlmBilevelProblem problem = new GlmBilevelProblem(loss, new RidgeHyperModel(0.1, 1), data, data, 0, false);
    int p = problem.p();
    double[] x = new double[p];
    for (int j = 0; j < p; j++) {
      x[j] = 0.1 * (rng.nextDouble() - 0.5);
    }
    for (int k : new int[] {1, 2}) {
      double[] v = new double[p * k];
      Arrays.fill(v, 1.0);
      double[] out = new double[p * k];
      double[] ms = new double[reps];
      problem.innerHessianProduct(x, null, v, k, out);
      for (int r = 0; r < reps; r++) {
        long start = System.nanoTime();
        problem.innerHessianProduct(x, null, v, k, out);
        ms[r] = (System.nanoTime() - start) / 1e6;
      }
      Arrays.sort(ms);
      double median = ms[reps / 2];
      System.out.printf(Locale.ROOT, "%-34s %8d %6d %10.2f %12.3g %8.2f%n", what, n, k, median, n / (median / 1e3),
          8.0 * n * f / (median * 1e6));
    }
  }

  private static double steps(StochasticLinearSystem system, EstimatorSpec spec, int batch, int iterations, int chain) {
    StochasticEstimator est = Estimators.create(spec, system);
    CounterSampler sampler = new CounterSampler(1, system.rowCount(), batch);
    int[] rows = sampler.newRowBuffer();
    for (int t = 0; t < iterations; t++) {
      sampler.rows(chain, t, rows);
      est.step(t, rows);
    }
    return est.stateNorm();
  }
}
