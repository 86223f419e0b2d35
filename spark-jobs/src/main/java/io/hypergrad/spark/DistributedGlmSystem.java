package io.hypergrad.spark;

import io.hypergrad.model.GlmBilevelProblem;
import io.hypergrad.model.GlmLoss;
import io.hypergrad.model.HyperModel;
import io.hypergrad.model.LabeledRows;
import io.hypergrad.oracle.StochasticLinearSystem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.storage.StorageLevel;

/**
 * The hypergradient's linear system of a GLM bilevel problem at x*, with every sum over rows
 * computed on the executors: the training and validation rows are split into a fixed number of
 * contiguous partitions and cached; x* and the row weights are broadcast once; one pass per product
 * ships the vectors (and, for a minibatch, the sampled row indices), each partition returns its
 * partial sum, and the partials are added on the driver <em>in partition order</em> — so a result
 * does not depend on task timing or retries. The λ-only parts (regulariser, B·z of feature-wise
 * hyper-models) are p-sized and stay on the driver.
 *
 * <p>Rows are sampled by global index (the counter-based sampler's choice), so a minibatch is spread
 * over the partitions holding its rows; a batch of one row gives bit-for-bit the single-machine
 * product whatever the partitioning, and one partition gives it for any batch.
 */
public final class DistributedGlmSystem implements StochasticLinearSystem {
  private final GlmLoss loss;
  private final HyperModel hyper;
  private final double modelRidge;
  private final int p;
  private final int n;
  private final int featureCount;
  private final int partitions;
  private final JavaRDD<RowPartition> train;
  private final Broadcast<double[]> x;
  private final Broadcast<double[]> weights;
  private final Broadcast<double[]> weightDerivatives;
  private final double[] c;
  private final double[] d;

  private DistributedGlmSystem(JavaSparkContext jsc, GlmBilevelProblem problem, double[] xStar, int partitions) {
    this.loss = problem.loss();
    this.hyper = problem.hyperModel();
    this.modelRidge = problem.modelRidge();
    this.p = problem.p();
    this.n = problem.train().size();
    this.featureCount = problem.train().featureCount();
    this.partitions = partitions;
    this.train = distribute(jsc, problem.train(), partitions).persist(StorageLevel.MEMORY_AND_DISK());
    this.x = jsc.broadcast(xStar.clone());
    double[] w = new double[n];
    double[] dw = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = hyper.weight(i);
      dw[i] = hyper.weightDerivative(i);
    }
    this.weights = jsc.broadcast(w);
    this.weightDerivatives = jsc.broadcast(dw);
    this.c = outerGradient(jsc, problem, partitions);
    this.d = new double[hyper.q()];
  }

  /** Distributes the problem's rows over {@code partitions} partitions and computes c there. */
  public static DistributedGlmSystem of(JavaSparkContext jsc, GlmBilevelProblem problem, double[] xStar, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be ≥ 1, got " + partitions);
    }
    return new DistributedGlmSystem(jsc, problem, xStar, partitions);
  }

  /** Contiguous ranges of rows, one RowPartition per Spark partition, sizes differing by at most one. */
  static JavaRDD<RowPartition> distribute(JavaSparkContext jsc, LabeledRows rows, int partitions) {
    int total = rows.size();
    List<RowPartition> parts = new ArrayList<>(partitions);
    for (int k = 0; k < partitions; k++) {
      int from = (int) ((long) total * k / partitions);
      int to = (int) ((long) total * (k + 1) / partitions);
      parts.add(new RowPartition(from, Arrays.copyOfRange(rows.features(), from, to, Vector[].class),
          Arrays.copyOfRange(rows.labels(), from, to)));
    }
    return jsc.parallelize(parts, partitions);
  }

  private double[] outerGradient(JavaSparkContext jsc, GlmBilevelProblem problem, int parts) {
    LabeledRows val = problem.validation();
    JavaRDD<RowPartition> rdd = distribute(jsc, val, parts);
    GlmLoss l = loss;
    double[] xs = x.value();
    int nVal = val.size();
    int dim = p;
    double[] out = sumInOrder(rdd.map(part -> part.gradient(l, xs, nVal, dim)).collect(), p);
    if (problem.ridgeInOuter()) {
      for (int j = 0; j < p; j++) {
        out[j] += modelRidge * xs[j];
      }
    }
    return out;
  }

  /** Partials added in partition order, starting from zero as the single-machine loop does. */
  private static double[] sumInOrder(List<double[]> partials, int length) {
    double[] out = new double[length];
    for (double[] part : partials) {
      for (int j = 0; j < length; j++) {
        out[j] += part[j];
      }
    }
    return out;
  }

  public int partitions() {
    return partitions;
  }

  @Override
  public int p() {
    return p;
  }

  @Override
  public int q() {
    return hyper.q();
  }

  @Override
  public int rowCount() {
    return n;
  }

  @Override
  public double[] c() {
    return c;
  }

  @Override
  public double[] d() {
    return d;
  }

  /** The dense A for {@code exact}: per-partition dense loss Hessians, added in partition order, plus the regulariser. */
  @Override
  public double[] denseA() {
    GlmLoss l = loss;
    Broadcast<double[]> xb = x;
    Broadcast<double[]> wb = weights;
    int rowsTotal = n;
    int f = featureCount;
    double[] sum = sumInOrder(train.map(part -> part.denseHessian(l, xb.value(), wb.value(), rowsTotal, f)).collect(), p * p);
    return io.hypergrad.model.DenseGlmHessian.addRegularizer(hyper, modelRidge, sum);
  }

  @Override
  public void applyA(double[] v, double[] out) {
    product(null, v, 1, out);
  }

  @Override
  public void applySampledA(int[] rows, double[] vectors, int k, double[] out) {
    product(rows, vectors, k, out);
  }

  private void product(int[] rows, double[] vs, int k, double[] out) {
    GlmLoss l = loss;
    Broadcast<double[]> xb = x;
    Broadcast<double[]> wb = weights;
    double divisor = rows == null ? n : rows.length;
    int dim = p;
    double[] vectors = Arrays.copyOf(vs, p * k);
    List<double[]> partials = train.map(part -> part.hessianProduct(l, xb.value(), wb.value(), divisor, rows, vectors, k, dim))
        .collect();
    double[] sum = sumInOrder(partials, p * k);
    System.arraycopy(sum, 0, out, 0, p * k);
    hyper.addRegularizerHessianProduct(vs, k, out);
    for (int j = 0; j < p * k; j++) {
      out[j] += modelRidge * vs[j];
    }
  }

  @Override
  public void applyB(double[] z, double[] out) {
    if (!hyper.instanceWise()) {
      hyper.applyRegularizerCross(x.value(), z, out);
      return;
    }
    GlmLoss l = loss;
    Broadcast<double[]> xb = x;
    Broadcast<double[]> db = weightDerivatives;
    int rowsTotal = n;
    int f = featureCount;
    double[] zz = z.clone();
    List<double[]> slices = train.map(part -> part.crossProduct(l, xb.value(), db.value(), rowsTotal, zz, f)).collect();
    int at = 0;
    for (double[] slice : slices) {
      System.arraycopy(slice, 0, out, at, slice.length);
      at += slice.length;
    }
  }

  /**
   * One pass: the training rows drawn by chains 0 … chains−1 of {@code sampler} over
   * {@code iterations} iterations (every row when {@code all}, as instance-weighted hyper-models
   * need for B·z). Each partition draws the samples itself — they are a pure function of (seed,
   * chain, t) — and keeps those that fall in its range.
   */
  public GatheredRows gather(io.hypergrad.oracle.CounterSampler sampler, int chains, int iterations, boolean all) {
    return GatheredRows.concat(train.map(part -> part.sampled(sampler, chains, iterations, all)).collect());
  }

  /** Drops the cached rows and broadcasts. */
  public void release() {
    train.unpersist(false);
    x.destroy();
    weights.destroy();
    weightDerivatives.destroy();
  }
}
