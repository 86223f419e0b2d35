package io.hypergrad.bench;

import io.hypergrad.linalg.Blas;
import io.hypergrad.model.GlmBilevelProblem;
import io.hypergrad.model.GlmLinearSystem;
import io.hypergrad.model.LogisticLoss;
import io.hypergrad.model.RidgeHyperModel;
import io.hypergrad.oracle.CounterSampler;
import io.hypergrad.prep.table.RowPartition;
import io.hypergrad.spark.PartitionedRows;
import io.hypergrad.spark.SparkSessions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.storage.RDDInfo;

/**
 * The distributed oracle at scale (embedded Spark, default local[2]): binary logistic rows with 100
 * dense features, generated on the executors, cached. Per size: cache size, seconds per full-batch
 * A·v pass, seconds per {@code distributed} iteration with a minibatch of 10⁴ (two vectors, as a
 * Mixed step), the scheduling floor (a one-row sample), and a single-threaded plain-Java loop over
 * one {@code double[]} of the same rows — the memory-bandwidth bound. Run with bench/run-scale.sh.
 *
 * <p>Args: [rows, comma-separated = 100000,1000000,4000000] [partitions = 8] [repetitions = 5].
 */
public final class ScaleBenchmark {
  private static final int F = 100;

  public static void main(String[] args) {
    long[] sizes = Arrays.stream((args.length > 0 ? args[0] : "100000,1000000,4000000").split(",")).mapToLong(Long::parseLong)
        .toArray();
    int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int reps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkSessions.get().sparkContext());
    System.out.printf(Locale.ROOT, "scale benchmark: logistic, F = %d dense, %d partitions, master %s, BLAS %s, %d cores, "
        + "max heap %.1f GB%n", F, partitions, jsc.master(), Blas.implementationName(), Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() / 1e9);
    System.out.printf(Locale.ROOT, "%10s %9s %11s %12s %11s %14s %11s %12s %9s%n", "rows", "data MB", "cache MB", "pass s",
        "pass GB/s", "iter b=1e4 s", "floor s", "plain loop s", "ratio");
    for (long n : sizes) {
      JavaRDD<RowPartition> train = generate(jsc, n, partitions, 1);
      JavaRDD<RowPartition> val = generate(jsc, 1000, 1, 2);
      GlmBilevelProblem problem = GlmBilevelProblem.over(new LogisticLoss(), new RidgeHyperModel(0.1, 1.0),
          PartitionedRows.of(jsc, train, F), PartitionedRows.of(jsc, val, F), 0, false);
      double cacheMb = 0;
      for (RDDInfo info : jsc.sc().getRDDStorageInfo()) {
        if (info.id() == train.id()) {
          cacheMb = (info.memSize() + info.diskSize()) / 1e6;
        }
      }
      double[] x = new double[F];
      double[] v = new double[2 * F];
      SplittableRandom rng = new SplittableRandom(3);
      for (int j = 0; j < F; j++) {
        x[j] = 0.1 * (rng.nextDouble() - 0.5);
        v[j] = rng.nextDouble() - 0.5;
        v[F + j] = rng.nextDouble() - 0.5;
      }
      double[] out = new double[2 * F];
      problem.hessianProduct(x, v, out);
      double pass = median(reps, () -> problem.hessianProduct(x, v, out));
      GlmLinearSystem system = problem.linearSystemAt(x);
      CounterSampler big = new CounterSampler(7, problem.train().size(), 10_000);
      CounterSampler one = new CounterSampler(7, problem.train().size(), 1);
      int[] rows = big.newRowBuffer();
      int[] row = one.newRowBuffer();
      int[] t = {0};
      double iter = median(Math.max(reps, 10), () -> {
        big.rows(0, t[0]++, rows);
        system.applySampledA(rows, v, 2, out);
      });
      double floor = median(Math.max(reps, 10), () -> {
        one.rows(0, t[0]++, row);
        system.applySampledA(row, v, 2, out);
      });
      double plain = n * F <= Integer.MAX_VALUE ? plainLoop(n, reps) : Double.NaN;
      double dataMb = 8.0 * n * F / 1e6;
      System.out.printf(Locale.ROOT, "%10d %9.0f %11.0f %12.4f %11.2f %14.4f %11.4f %12.4f %9.2f%n", n, dataMb, cacheMb, pass,
          dataMb / 1e3 / pass, iter, floor, plain, pass / plain);
      problem.release();
    }
  }

  /** Rows generated on the executors: partition k holds rows [n·k/P, n·(k+1)/P), from a seed of its own. */
  private static JavaRDD<RowPartition> generate(JavaSparkContext jsc, long n, int partitions, long seed) {
    List<Integer> ks = new ArrayList<>();
    for (int k = 0; k < partitions; k++) {
      ks.add(k);
    }
    return jsc.parallelize(ks, partitions).map(k -> {
      int from = (int) (n * k / partitions);
      int to = (int) (n * (k + 1) / partitions);
      SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + k);
      Vector[] f = new Vector[to - from];
      double[] y = new double[to - from];
      for (int i = 0; i < f.length; i++) {
        double[] a = new double[F];
        for (int j = 0; j < F; j++) {
          a[j] = rng.nextDouble() - 0.5;
        }
        f[i] = Vectors.dense(a);
        y[i] = rng.nextInt(2);
      }
      return new RowPartition(from, f, y);
    });
  }

  /** One thread, one double[] of n×F: Σᵢ aᵢ·(aᵢ·v), the pass's arithmetic without Spark or objects. */
  private static double plainLoop(long n, int reps) {
    int rows = (int) n;
    double[] data = new double[rows * F];
    SplittableRandom rng = new SplittableRandom(5);
    for (int i = 0; i < data.length; i++) {
      data[i] = rng.nextDouble() - 0.5;
    }
    double[] v = new double[F];
    Arrays.fill(v, 0.01);
    double[] out = new double[F];
    return median(reps, () -> {
      Arrays.fill(out, 0);
      for (int i = 0; i < rows; i++) {
        int off = i * F;
        double s = 0;
        for (int j = 0; j < F; j++) {
          s += data[off + j] * v[j];
        }
        for (int j = 0; j < F; j++) {
          out[j] += s * data[off + j];
        }
      }
    });
  }

  private static double median(int reps, Runnable work) {
    double[] s = new double[reps];
    for (int r = 0; r < reps; r++) {
      long start = System.nanoTime();
      work.run();
      s[r] = (System.nanoTime() - start) / 1e9;
    }
    Arrays.sort(s);
    return s[reps / 2];
  }
}
