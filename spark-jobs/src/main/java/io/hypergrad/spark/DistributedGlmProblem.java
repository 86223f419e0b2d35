package io.hypergrad.spark;

import io.hypergrad.model.GlmBilevelProblem;
import io.hypergrad.model.GlmLoss;
import io.hypergrad.model.HyperModel;
import io.hypergrad.model.InnerObjective;
import io.hypergrad.model.LabeledRows;
import io.hypergrad.oracle.CounterSampler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.storage.StorageLevel;

/**
 * A GLM bilevel problem whose rows live on the executors: training and validation rows in cached
 * partitions of contiguous row ranges, the row weights wᵢ(λ) broadcast once. Every sum over rows is
 * one pass — each partition returns its partial, accumulated in the single-machine row order, and
 * the driver adds the partials in partition order (results independent of task timing and
 * retries; bit for bit the single-machine values with one partition). The λ-only parts (the
 * regulariser) are p-sized and stay on the driver. The inner solver runs on it through
 * {@link InnerObjective}; {@link #linearSystemAt} gives the hypergradient's linear system.
 */
public final class DistributedGlmProblem implements InnerObjective {
  final JavaSparkContext jsc;
  final JavaRDD<RowPartition> train;
  final JavaRDD<RowPartition> validation;
  final GlmLoss loss;
  final HyperModel hyper;
  final double modelRidge;
  final boolean ridgeInOuter;
  final int n;
  final int nVal;
  final int featureCount;
  final int p;
  final int partitions;
  final Broadcast<double[]> weights;
  final Broadcast<double[]> weightDerivatives;

  /** The same cached rows under another hyper-model (the row weights broadcast anew when they depend on λ). */
  private DistributedGlmProblem(DistributedGlmProblem base, HyperModel hyper) {
    this.jsc = base.jsc;
    this.train = base.train;
    this.validation = base.validation;
    this.loss = base.loss;
    this.hyper = hyper;
    this.modelRidge = base.modelRidge;
    this.ridgeInOuter = base.ridgeInOuter;
    this.featureCount = base.featureCount;
    this.p = base.p;
    this.n = base.n;
    this.nVal = base.nVal;
    this.partitions = base.partitions;
    this.weights = broadcastRowWeights(false);
    this.weightDerivatives = broadcastRowWeights(true);
  }

  /** The problem at another λ, over the same cached rows (release the old one's broadcasts with {@link #releaseWeights}). */
  public DistributedGlmProblem withLambda(double[] lambda) {
    return new DistributedGlmProblem(this, hyper.withLambda(lambda));
  }

  /** Drops this λ's row-weight broadcasts only (the rows stay cached for the next λ). */
  public void releaseWeights() {
    if (weights != null) {
      weights.destroy();
      weightDerivatives.destroy();
    }
  }

  /** {Σ ℓᵢ(x), correctly classified rows} over some cached rows: one pass, partials added in partition order. */
  public static double[] lossAndCorrect(JavaRDD<RowPartition> rows, GlmLoss loss, double[] x) {
    double[] xs = x.clone();
    return sumInOrder(rows.map(rp -> rp.lossAndCorrect(loss, xs)).collect(), 2);
  }

  public JavaRDD<RowPartition> trainRows() {
    return train;
  }

  public JavaRDD<RowPartition> validationRows() {
    return validation;
  }

  private DistributedGlmProblem(JavaSparkContext jsc, JavaRDD<RowPartition> train, JavaRDD<RowPartition> validation,
      int featureCount, GlmLoss loss, HyperModel hyper, double modelRidge, boolean ridgeInOuter) {
    this.jsc = jsc;
    this.train = train.persist(StorageLevel.MEMORY_AND_DISK());
    this.validation = validation.persist(StorageLevel.MEMORY_AND_DISK());
    this.loss = loss;
    this.hyper = hyper;
    this.modelRidge = modelRidge;
    this.ridgeInOuter = ridgeInOuter;
    this.featureCount = featureCount;
    this.p = loss.parameterCount(featureCount);
    this.n = checkContiguous(this.train, "training");
    this.nVal = checkContiguous(this.validation, "validation");
    this.partitions = this.train.getNumPartitions();
    if (hyper.instanceWise() && hyper.q() != n) {
      throw new IllegalArgumentException(hyper.name() + " needs one λ per training row: " + hyper.q() + " for " + n + " rows");
    }
    this.weights = broadcastRowWeights(false);
    this.weightDerivatives = broadcastRowWeights(true);
  }

  /**
   * Every training row's wᵢ (or dwᵢ/dλᵢ), broadcast; null when every weight is 1, so that nothing of
   * size n is built on the driver (the blocks read null weights as 1).
   */
  private Broadcast<double[]> broadcastRowWeights(boolean derivative) {
    if (!hyper.instanceWise()) {
      return null;
    }
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = derivative ? hyper.weightDerivative(i) : hyper.weight(i);
    }
    return jsc.broadcast(w);
  }

  /**
   * One pass: the rows of a split that chains 0 … chains−1 of {@code sampler} draw in iterations
   * from … to − 1 (every row when {@code all}), in index order. Each partition draws the samples
   * itself and keeps those in its range.
   */
  static GatheredRows gather(JavaRDD<RowPartition> rows, CounterSampler sampler, int chains, long from, long to, boolean all) {
    return GatheredRows.concat(rows.map(part -> part.sampled(sampler, chains, from, to, all)).collect());
  }

  /** A weight broadcast's value, or null (every weight 1) without one. */
  static double[] valueOf(Broadcast<double[]> b) {
    return b == null ? null : b.value();
  }

  /** Over partitions already on the executors (e.g. read from Parquet or generated there). */
  public static DistributedGlmProblem of(JavaSparkContext jsc, JavaRDD<RowPartition> train, JavaRDD<RowPartition> validation,
      int featureCount, GlmLoss loss, HyperModel hyper, double modelRidge, boolean ridgeInOuter) {
    return new DistributedGlmProblem(jsc, train, validation, featureCount, loss, hyper, modelRidge, ridgeInOuter);
  }

  /** The in-memory problem's rows spread over {@code partitions} partitions. */
  public static DistributedGlmProblem of(JavaSparkContext jsc, GlmBilevelProblem problem, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be ≥ 1, got " + partitions);
    }
    return new DistributedGlmProblem(jsc, distribute(jsc, problem.train(), partitions),
        distribute(jsc, problem.validation(), partitions), problem.train().featureCount(), problem.loss(),
        problem.hyperModel(), problem.modelRidge(), problem.ridgeInOuter());
  }

  /** Contiguous ranges of rows, one RowPartition per Spark partition, sizes differing by at most one. */
  static JavaRDD<RowPartition> distribute(JavaSparkContext jsc, LabeledRows rows, int partitions) {
    return distribute(jsc, rows.features(), rows.labels(), null, null, partitions);
  }

  /** As above, keeping each row's source id and clean label (either may be null). */
  public static JavaRDD<RowPartition> distribute(JavaSparkContext jsc, Vector[] features, double[] labels, long[] ids,
      double[] cleanLabels, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be ≥ 1, got " + partitions);
    }
    int total = labels.length;
    List<RowPartition> parts = new ArrayList<>(partitions);
    for (int k = 0; k < partitions; k++) {
      int from = (int) ((long) total * k / partitions);
      int to = (int) ((long) total * (k + 1) / partitions);
      parts.add(new RowPartition(from, Arrays.copyOfRange(features, from, to, Vector[].class),
          Arrays.copyOfRange(labels, from, to), ids == null ? null : Arrays.copyOfRange(ids, from, to),
          cleanLabels == null ? null : Arrays.copyOfRange(cleanLabels, from, to)));
    }
    return jsc.parallelize(parts, partitions);
  }

  /** Row count, after checking partition k starts where partition k − 1 ends. */
  private static int checkContiguous(JavaRDD<RowPartition> rdd, String what) {
    List<int[]> ranges = rdd.map(part -> new int[] {part.start(), part.size()}).collect();
    long next = 0;
    for (int k = 0; k < ranges.size(); k++) {
      if (ranges.get(k)[0] != next) {
        throw new IllegalStateException(what + " partition " + k + " starts at row " + ranges.get(k)[0] + ", expected " + next);
      }
      next += ranges.get(k)[1];
    }
    if (next > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(what + " rows: " + next + " is more than one split may hold");
    }
    return (int) next;
  }

  /** Partials added in partition order, starting from zero as the single-machine loop does. */
  static double[] sumInOrder(List<double[]> partials, int length) {
    double[] out = new double[length];
    for (double[] part : partials) {
      for (int j = 0; j < length; j++) {
        out[j] += part[j];
      }
    }
    return out;
  }

  @Override
  public int p() {
    return p;
  }

  public int rowCount() {
    return n;
  }

  public int partitions() {
    return partitions;
  }

  public int validationCount() {
    return nVal;
  }

  public GlmLoss loss() {
    return loss;
  }

  public HyperModel hyperModel() {
    return hyper;
  }

  public double modelRidge() {
    return modelRidge;
  }

  public int featureCount() {
    return featureCount;
  }

  /** g(x, λ): one pass. */
  @Override
  public double value(double[] x) {
    GlmLoss l = loss;
    Broadcast<double[]> wb = weights;
    double[] xs = x.clone();
    double s = 0;
    for (double part : train.map(rp -> rp.weightedLoss(l, xs, valueOf(wb))).collect()) {
      s += part;
    }
    return s / n + hyper.regularizer(x) + 0.5 * modelRidge * squaredNorm(x);
  }

  /** ∇ₓg(x, λ): one pass. */
  @Override
  public void gradient(double[] x, double[] out) {
    GlmLoss l = loss;
    Broadcast<double[]> wb = weights;
    double[] xs = x.clone();
    int rows = n;
    int dim = p;
    double[] sum = sumInOrder(train.map(rp -> rp.weightedGradient(l, xs, valueOf(wb), rows, dim)).collect(), p);
    System.arraycopy(sum, 0, out, 0, p);
    hyper.addRegularizerGradient(x, out);
    for (int j = 0; j < p; j++) {
      out[j] += modelRidge * x[j];
    }
  }

  /** ∇²ₓₓg(x)·v: one pass. */
  @Override
  public void hessianProduct(double[] x, double[] v, double[] out) {
    hessianProduct(x, null, v, 1, out);
  }

  /** ∇²ₓₓg·V for the k vectors of V over the given rows (all when null): one pass. */
  void hessianProduct(double[] x, int[] rows, double[] vs, int k, double[] out) {
    GlmLoss l = loss;
    Broadcast<double[]> wb = weights;
    double[] xs = x.clone();
    double divisor = rows == null ? n : rows.length;
    int dim = p;
    double[] vectors = Arrays.copyOf(vs, p * k);
    double[] sum = sumInOrder(train.map(rp -> rp.hessianProduct(l, xs, valueOf(wb), divisor, rows, vectors, k, dim)).collect(),
        p * k);
    System.arraycopy(sum, 0, out, 0, p * k);
    hyper.addRegularizerHessianProduct(vs, k, out);
    for (int j = 0; j < p * k; j++) {
      out[j] += modelRidge * vs[j];
    }
  }

  /** Many sampled products A_t·V (one per request) in one pass; each result equals its own pass bit for bit. */
  List<double[]> sampledProducts(double[] x, List<SampledRequest> requests) {
    GlmLoss l = loss;
    Broadcast<double[]> wb = weights;
    double[] xs = x.clone();
    int dim = p;
    List<SampledRequest> reqs = List.copyOf(requests);
    List<List<double[]>> perPartition = train.map(rp -> rp.hessianProducts(l, xs, valueOf(wb), reqs, dim)).collect();
    List<double[]> results = new ArrayList<>(reqs.size());
    for (int r = 0; r < reqs.size(); r++) {
      SampledRequest req = reqs.get(r);
      int len = p * req.k();
      double[] out = new double[len];
      for (List<double[]> part : perPartition) {
        double[] partial = part.get(r);
        for (int j = 0; j < len; j++) {
          out[j] += partial[j];
        }
      }
      hyper.addRegularizerHessianProduct(req.vectors(), req.k(), out);
      for (int j = 0; j < len; j++) {
        out[j] += modelRidge * req.vectors()[j];
      }
      results.add(out);
    }
    return results;
  }

  /** f(x), the validation loss: one pass. */
  public double outerLoss(double[] x) {
    GlmLoss l = loss;
    double[] xs = x.clone();
    double s = 0;
    for (double part : validation.map(rp -> rp.weightedLoss(l, xs, null)).collect()) {
      s += part;
    }
    return s / nVal + (ridgeInOuter ? 0.5 * modelRidge * squaredNorm(x) : 0);
  }

  /** c = ∇ₓf(x): one pass over the validation rows. */
  public double[] outerGradient(double[] x) {
    GlmLoss l = loss;
    double[] xs = x.clone();
    int rows = nVal;
    int dim = p;
    double[] out = sumInOrder(validation.map(rp -> rp.weightedGradient(l, xs, null, rows, dim)).collect(), p);
    if (ridgeInOuter) {
      for (int j = 0; j < p; j++) {
        out[j] += modelRidge * xs[j];
      }
    }
    return out;
  }

  /** The hypergradient's linear system at x (the inner optimum). */
  public DistributedGlmSystem linearSystemAt(double[] x) {
    return new DistributedGlmSystem(this, x);
  }

  /** Drops the cached rows and broadcasts. */
  public void release() {
    train.unpersist(false);
    validation.unpersist(false);
    if (weights != null) {
      weights.destroy();
      weightDerivatives.destroy();
    }
  }

  private static double squaredNorm(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v * v;
    }
    return s;
  }
}
