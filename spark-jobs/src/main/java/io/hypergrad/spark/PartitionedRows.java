package io.hypergrad.spark;

import io.hypergrad.model.GlmLoss;
import io.hypergrad.model.LabeledRows;
import io.hypergrad.oracle.CounterSampler;
import io.hypergrad.prep.table.RowPartition;
import io.hypergrad.rows.GatheredRows;
import io.hypergrad.rows.LocalRows;
import io.hypergrad.rows.RowSource;
import io.hypergrad.rows.RowWeights;
import io.hypergrad.rows.SampledRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.storage.StorageLevel;

/**
 * A split's rows in cached Spark partitions of contiguous row ranges (MLlib's RDDLossFunction shape):
 * every sum is one pass in which each partition computes its partial with its {@link LocalRows} — the
 * same code as rows in this JVM — and the driver adds the partials in partition order, so results do
 * not depend on task timing or retries, and one partition reproduces the single-machine sums bit for
 * bit. Row weights go to the executors as a broadcast. Only p-sized vectors (and q-sized B·z) come back.
 */
public final class PartitionedRows implements RowSource {
  private final JavaSparkContext jsc;
  private final JavaRDD<RowPartition> parts;
  private final int n;
  private final int featureCount;

  private PartitionedRows(JavaSparkContext jsc, JavaRDD<RowPartition> parts, int featureCount) {
    this.jsc = jsc;
    this.parts = parts.persist(StorageLevel.MEMORY_AND_DISK());
    this.featureCount = featureCount;
    this.n = checkContiguous(this.parts);
  }

  /** Over partitions already on the executors (read from Parquet, generated there). */
  public static PartitionedRows of(JavaSparkContext jsc, JavaRDD<RowPartition> parts, int featureCount) {
    return new PartitionedRows(jsc, parts, featureCount);
  }

  /** Rows held here, spread over {@code partitions} partitions. */
  public static PartitionedRows distribute(JavaSparkContext jsc, LabeledRows rows, int partitions) {
    return of(jsc, partitions(jsc, rows.features(), rows.labels(), rows.weights(), null, null, partitions),
        rows.featureCount());
  }

  /**
   * Contiguous ranges of rows, one RowPartition per Spark partition, sizes differing by at most one;
   * instance weights, ids and clean labels may be null.
   */
  public static JavaRDD<RowPartition> partitions(JavaSparkContext jsc, Vector[] features, double[] labels,
      double[] weights, long[] ids, double[] cleanLabels, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be ≥ 1, got " + partitions);
    }
    int total = labels.length;
    List<RowPartition> list = new ArrayList<>(partitions);
    for (int k = 0; k < partitions; k++) {
      int from = (int) ((long) total * k / partitions);
      int to = (int) ((long) total * (k + 1) / partitions);
      list.add(new RowPartition(from, Arrays.copyOfRange(features, from, to, Vector[].class),
          Arrays.copyOfRange(labels, from, to), weights == null ? null : Arrays.copyOfRange(weights, from, to),
          ids == null ? null : Arrays.copyOfRange(ids, from, to),
          cleanLabels == null ? null : Arrays.copyOfRange(cleanLabels, from, to)));
    }
    return jsc.parallelize(list, partitions);
  }

  /** Row count, after checking partition k starts where partition k − 1 ends. */
  private static int checkContiguous(JavaRDD<RowPartition> rdd) {
    List<int[]> ranges = rdd.map(part -> new int[] {part.start(), part.size()}).collect();
    long next = 0;
    for (int k = 0; k < ranges.size(); k++) {
      if (ranges.get(k)[0] != next) {
        throw new IllegalStateException("partition " + k + " starts at row " + ranges.get(k)[0] + ", expected " + next);
      }
      next += ranges.get(k)[1];
    }
    if (next > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(next + " rows are more than one split may hold");
    }
    return (int) next;
  }

  /** One pass: every partition's partial, added into {@code out} in partition order. */
  private void addInOrder(Function<RowPartition, double[]> partial, double[] out) {
    // partials too large to collect at once under spark.driver.maxResultSize (a dense Hessian per partition)
    // come one partition at a time: the same sum in the same order, one partial held on the driver
    long bytes = 8L * out.length * parts.getNumPartitions();
    long limit = parts.context().getConf().getSizeAsBytes("spark.driver.maxResultSize", "1g");
    java.util.Iterator<double[]> partials = limit > 0 && bytes > limit / 2 ? parts.map(partial).toLocalIterator()
        : parts.map(partial).collect().iterator();
    while (partials.hasNext()) {
      double[] part = partials.next();
      for (int j = 0; j < out.length; j++) {
        out[j] += part[j];
      }
    }
  }

  public JavaRDD<RowPartition> partitions() {
    return parts;
  }

  public int partitionCount() {
    return parts.getNumPartitions();
  }

  @Override
  public int size() {
    return n;
  }

  @Override
  public int splitSize() {
    return n;
  }

  @Override
  public int featureCount() {
    return featureCount;
  }

  @Override
  public boolean local() {
    return false;
  }

  @Override
  public RowWeights weights(double[] values) {
    return values == null ? null : new Broadcasted(jsc.broadcast(values));
  }

  /** Weights broadcast to the executors; released once, whoever holds the problem last. */
  private static final class Broadcasted implements RowWeights {
    private static final long serialVersionUID = 1L;
    private final Broadcast<double[]> broadcast;
    private transient boolean released;

    Broadcasted(Broadcast<double[]> broadcast) {
      this.broadcast = broadcast;
    }

    @Override
    public double[] values() {
      return broadcast.value();
    }

    @Override
    public synchronized void release() {
      if (!released) {
        released = true;
        broadcast.destroy();
      }
    }
  }

  @Override
  public double weightedLoss(GlmLoss loss, double[] x, RowWeights w) {
    double[] xs = x.clone();
    double[] s = new double[1];
    addInOrder(part -> new double[] {part.rows().weightedLoss(loss, xs, w)}, s);
    return s[0];
  }

  /** One pass: each partition sends its gradient partial with its loss partial in the last slot. */
  @Override
  public double addLossAndGradient(GlmLoss loss, double[] x, RowWeights w, double divisor, double[] out) {
    double[] xs = x.clone();
    int len = out.length;
    double[] both = Arrays.copyOf(out, len + 1);
    addInOrder(part -> {
      double[] o = new double[len + 1];
      o[len] = part.rows().addLossAndGradient(loss, xs, w, divisor, o);
      return o;
    }, both);
    System.arraycopy(both, 0, out, 0, len);
    return both[len];
  }

  @Override
  public void addGradient(GlmLoss loss, double[] x, RowWeights w, double divisor, int[] rows, double[] out) {
    double[] xs = x.clone();
    int len = out.length;
    addInOrder(part -> {
      double[] o = new double[len];
      part.rows().addGradient(loss, xs, w, divisor, rows, o);
      return o;
    }, out);
  }

  @Override
  public void addHessianProduct(GlmLoss loss, double[] x, RowWeights w, double divisor, int[] rows, double[] vs, int k,
      double[] out) {
    double[] xs = x.clone();
    int len = out.length;
    double[] vectors = Arrays.copyOf(vs, len);
    addInOrder(part -> {
      double[] o = new double[len];
      part.rows().addHessianProduct(loss, xs, w, divisor, rows, vectors, k, o);
      return o;
    }, out);
  }

  @Override
  public List<double[]> hessianProducts(GlmLoss loss, double[] x, RowWeights w, List<SampledRequest> requests, int p) {
    double[] xs = x.clone();
    List<SampledRequest> reqs = List.copyOf(requests);
    List<List<double[]>> perPartition = parts.map(part -> part.rows().hessianProducts(loss, xs, w, reqs, p)).collect();
    List<double[]> results = new ArrayList<>(reqs.size());
    for (int r = 0; r < reqs.size(); r++) {
      double[] out = new double[p * reqs.get(r).k()];
      for (List<double[]> part : perPartition) {
        double[] partial = part.get(r);
        for (int j = 0; j < out.length; j++) {
          out[j] += partial[j];
        }
      }
      results.add(out);
    }
    return results;
  }

  @Override
  public void addDenseHessian(GlmLoss loss, double[] x, RowWeights w, double divisor, double[] out) {
    double[] xs = x.clone();
    int len = out.length;
    addInOrder(part -> {
      double[] o = new double[len];
      part.rows().addDenseHessian(loss, xs, w, divisor, o);
      return o;
    }, out);
  }

  @Override
  public double[] lossAndCorrect(GlmLoss loss, double[] x) {
    double[] xs = x.clone();
    double[] out = new double[2];
    addInOrder(part -> part.rows().lossAndCorrect(loss, xs), out);
    return out;
  }

  /** One pass per product: each partition returns its rows' slice of B·z, placed at its rows. */
  @Override
  public PerRowCross perRowCross(GlmLoss loss, double[] x, RowWeights derivatives, double divisor, boolean blockMargins) {
    double[] xs = x.clone();
    JavaRDD<RowPartition> rdd = parts;
    return (z, out) -> {
      double[] zz = z.clone();
      int at = 0;
      for (double[] slice : rdd.map(part -> part.rows().crossSlice(loss, xs, derivatives, divisor, zz)).collect()) {
        System.arraycopy(slice, 0, out, at, slice.length);
        at += slice.length;
      }
    };
  }

  /** One pass: each partition adds its sampled rows' terms into a q-sized partial, added in partition order. */
  @Override
  public void addSampledCross(GlmLoss loss, double[] x, RowWeights derivatives, double divisor, int[] rows, double[] z,
      double[] out) {
    double[] xs = x.clone();
    double[] zz = z.clone();
    int len = out.length;
    addInOrder(part -> {
      double[] o = new double[len];
      part.rows().addSampledCross(loss, xs, derivatives, divisor, rows, zz, o);
      return o;
    }, out);
  }

  /** One pass: each partition draws the samples itself and sends back the rows in its range. */
  @Override
  public RowSource gather(CounterSampler sampler, int chains, long from, long to, boolean all) {
    GatheredRows rows = GatheredRows.concat(parts.map(part -> part.rows().drawn(sampler, chains, from, to, all)).collect());
    return LocalRows.gathered(rows, n, featureCount);
  }

  @Override
  public void release() {
    parts.unpersist(false);
  }
}
