package io.hypergrad.prep.table;

import io.hypergrad.model.InstanceWeights;
import io.hypergrad.prep.DataFormatException;
import io.hypergrad.prep.DataPreparation;
import io.hypergrad.prep.LabelNoise;
import io.hypergrad.prep.Permutation;
import io.hypergrad.prep.Scaler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * A table → numbered, split, scaled rows in cached partitions of contiguous row ranges, all on the
 * executors and without a shuffle or a global sort when the source has at least as many partitions
 * as asked for:
 * <ol>
 *   <li>one pass over the source (Spark's reader, MLlib's indexers/encoder/assembler) keeps each
 *       partition's good rows in reading order and counts them per split — row numbers are then
 *       offsets of these counts, in partition order;
 *   <li>the scaler is fitted by MLlib on the cached training rows;
 *   <li>each split's rows become one {@link RowPartition} per source partition, scaled (and with
 *       label noise where asked), from the cache — or, when a row alone decides its split and
 *       nothing is to be fitted first, the first pass already stored them that way and they are
 *       only numbered (no copy).
 * </ol>
 * A source with fewer partitions than asked for is spread by one shuffle of its numbered rows; one
 * with more keeps Spark's own partitioning of it. The same source, partitioning and seeds give the
 * same rows, numbers and results.
 */
public final class TableIngest {
  /**
   * The ingest's settings beyond the table and the split.
   *
   * @param weightsAsGiven keep the weight column's values (a prepare output's, already at mean 1)
   *                       instead of bringing each split's weights to mean 1
   */
  public record Settings(String scaler, double noiseFraction, long noiseSeed, int partitions, boolean weightsAsGiven) {
    public Settings(String scaler, double noiseFraction, long noiseSeed, int partitions) {
      this(scaler, noiseFraction, noiseSeed, partitions, false);
    }
  }

  private TableIngest() {}

  public static IngestedTable run(SparkSession spark, TableSpec spec, SplitRule rule, Settings settings) {
    return run(spark, TableReader.read(spark, spec), spec, rule, settings);
  }

  /** As {@link #run(SparkSession, TableSpec, SplitRule, Settings)} over rows already read. */
  public static IngestedTable run(SparkSession spark, Dataset<Row> source, TableSpec spec, SplitRule rule,
      Settings settings) {
    if (settings.partitions() < 1) {
      throw new IllegalArgumentException("partitions must be ≥ 1, got " + settings.partitions());
    }
    long start = System.nanoTime();
    TableColumns cols = TableColumns.resolve(spec, source.schema(), rule);
    Dataset<Row> withBad = source.withColumn(TableColumns.BAD, cols.badRow());
    TableColumns.Assembly assembly = unwrap(() -> cols.fit(withBad.filter(functions.col(TableColumns.BAD).isNull())));
    Dataset<Row> standard = cols.standardColumns(withBad, assembly);

    boolean fail = spec.onBadRow().equals("fail");
    boolean withId = cols.hasId();
    boolean withSplit = cols.hasSplitColumn();
    boolean withWeight = cols.hasWeight();
    boolean withGroup = cols.hasGroup();
    boolean withClean = cols.hasCleanLabel();
    String vectorColumn = cols.vectorColumn();
    JavaRDD<Row> rows = standard.javaRDD();
    // rows a row decides alone (no permutation, scaler or noise, which need counts or statistics
    // first) go straight into their partition's block in the one pass
    boolean direct = !rule.method().equals("permutation") && settings.scaler().equals("none")
        && settings.noiseFraction() == 0 && rows.getNumPartitions() >= settings.partitions();
    JavaRDD<SourceBlock> blocks = rows.mapPartitionsWithIndex((k, it) -> List.of(
        SourceBlock.read(k, it, fail, withId, withSplit, withWeight, withGroup, withClean, rule, vectorColumn, direct))
        .iterator(),
        true)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      List<SourceBlock.Summary> summaries = unwrap(() -> blocks.map(b -> b.summary).collect());
      double firstPass = (System.nanoTime() - start) / 1e9;
      IngestedTable table = number(spark, spec, rule, settings, cols, assembly, blocks, summaries);
      Map<String, Object> seconds = new LinkedHashMap<>();
      seconds.put("first_pass", firstPass);
      seconds.put("numbered", (System.nanoTime() - start) / 1e9 - firstPass);
      table.metadata().put("ingest_seconds", seconds);
      return table;
    } finally {
      blocks.unpersist(false);
    }
  }

  private static IngestedTable number(SparkSession spark, TableSpec spec, SplitRule rule, Settings settings,
      TableColumns cols, TableColumns.Assembly assembly, JavaRDD<SourceBlock> blocks,
      List<SourceBlock.Summary> summaries) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int m = summaries.size();
    long[] parentStart = new long[m];
    SourceBlock.Summary all = SourceBlock.Summary.EMPTY;
    for (int k = 0; k < m; k++) {
      parentStart[k] = all.rows();
      all = all.plus(summaries.get(k));
    }
    long total = all.rows();
    Map<String, Long> dropped = all.dropped();
    String where = TableReader.describe(spec);
    long droppedRows = dropped.values().stream().mapToLong(Long::longValue).sum();
    if (total == 0) {
      throw new IllegalArgumentException(where + ": no usable rows" + (droppedRows > 0 ? " (" + droppedRows
          + " bad rows dropped: " + dropped + ")" : ""));
    }
    if (total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(where + ": " + total + " rows are more than one table may hold here (2³¹ − 1)");
    }
    if (all.minSize() != all.maxSize()) {
      throw new IllegalArgumentException(where + ": the feature vectors have different sizes (" + all.minSize() + " … "
          + all.maxSize() + "); every row needs the same feature count");
    }
    int featureCount = all.maxSize();
    int classes = DataPreparation.classCount(all.labelMin(), all.labelMax(), all.labelsIntegral());

    // which split each row goes to, and each source partition's count (and weight) per split
    long[][] perSplit = new long[3][m];
    double[] weightSums = new double[3];
    Broadcast<byte[]> membership = null;
    int[] splitCounts = new int[3];
    if (rule.method().equals("permutation")) {
      membership = jsc.broadcast(Permutation.splits((int) total, rule.sizes().counts((int) total), rule.seed()));
      Broadcast<byte[]> mb = membership;
      List<double[]> counted = blocks.mapPartitionsWithIndex((k, it) -> {
        double[] c = new double[6]; // counts, then weight sums
        while (it.hasNext()) {
          SourceBlock b = it.next();
          for (int i = 0; i < b.size(); i++) {
            byte s = mb.value()[(int) (parentStart[k] + i)];
            if (s < 3) {
              c[s]++;
              c[3 + s] += b.weights != null ? b.weights[i] : 1;
            }
          }
        }
        return List.of(c).iterator();
      }, true).collect();
      for (int k = 0; k < m; k++) {
        for (int s = 0; s < 3; s++) {
          perSplit[s][k] = (long) counted.get(k)[s];
          weightSums[s] += counted.get(k)[3 + s];
        }
      }
    } else {
      for (int k = 0; k < m; k++) {
        for (int s = 0; s < 3; s++) {
          perSplit[s][k] = summaries.get(k).perSplit()[s];
          weightSums[s] += summaries.get(k).weightPerSplit()[s];
        }
      }
    }
    for (int s = 0; s < 3; s++) {
      splitCounts[s] = (int) Arrays.stream(perSplit[s]).sum();
    }
    if (splitCounts[0] == 0) {
      throw new IllegalArgumentException(where + ": the split leaves no training rows");
    }
    // each split's weights brought to mean 1, so (1/n)Σcᵢℓᵢ = Σcᵢℓᵢ/Σcᵢ as in MLlib
    double[] weightFactor = null;
    if (cols.hasWeight()) {
      weightFactor = new double[3];
      for (int s = 0; s < 3; s++) {
        weightFactor[s] = splitCounts[s] == 0 || settings.weightsAsGiven() ? 1.0 : weightFactor(where, s, splitCounts[s],
            weightSums[s]);
      }
    }

    Broadcast<int[]> draws = null;
    if (settings.noiseFraction() > 0) {
      if (classes < 2) {
        throw new IllegalArgumentException("label noise needs class labels 0…K−1; this table's labels are "
            + (classes == 0 ? "continuous" : "one class"));
      }
      draws = jsc.broadcast(LabelNoise.draws(splitCounts[0], classes, settings.noiseFraction(), settings.noiseSeed()));
    }
    Scaler scaler = settings.scaler().equals("none") ? TrainScaler.fit("none", null, null, featureCount, splitCounts[0])
        : TrainScaler.fit(settings.scaler(), trainFeatures(spark, blocks, membership, parentStart), "features",
            featureCount, splitCounts[0]);

    int partitions = settings.partitions();
    Map<String, JavaRDD<RowPartition>> splits = new LinkedHashMap<>();
    Build build = new Build(parentStart, membership, draws, scaler, cols.vectorColumn() != null, !cols.hasId(),
        cols.hasCleanLabel(), weightFactor, cols.hasGroup());
    for (byte s = 0; s < 3; s++) {
      if (splitCounts[s] == 0) {
        continue;
      }
      JavaRDD<RowPartition> parts = m >= partitions ? inPlace(blocks, perSplit[s], build, s)
          : spread(blocks, perSplit[s], splitCounts[s], partitions, build, s);
      splits.put(SplitRule.NAMES[s], parts.persist(StorageLevel.MEMORY_AND_DISK()));
    }
    for (JavaRDD<RowPartition> parts : splits.values()) {
      unwrap(parts::count);
    }
    // the partitions' lineage holds the broadcasts: they go when the table is released
    List<Broadcast<?>> broadcasts = new ArrayList<>();
    if (membership != null) {
      broadcasts.add(membership);
    }
    if (draws != null) {
      broadcasts.add(draws);
    }

    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("format", spec.format());
    meta.put("source", spec.fromFiles() ? spec.paths() : spec.table());
    meta.put("rows_read", total); // as the in-memory preparation counts: the usable rows; the dropped ones are beside
    meta.put("dropped", dropped);
    Map<String, Object> countMap = new LinkedHashMap<>();
    for (int s = 0; s < 3; s++) {
      countMap.put(SplitRule.NAMES[s], splitCounts[s]);
    }
    meta.put("counts", countMap);
    meta.put("features", featureCount);
    meta.put("feature_names", assembly.featureNames().isEmpty() ? vectorNames(cols.vectorColumn(), featureCount)
        : assembly.featureNames());
    meta.put("classes", classes);
    if (cols.hasWeight()) {
      Map<String, Object> w = new LinkedHashMap<>();
      w.put("column", spec.weight());
      w.put("normalised", "each split's weights brought to mean 1");
      Map<String, Object> sums = new LinkedHashMap<>();
      for (int s = 0; s < 3; s++) {
        if (splitCounts[s] > 0) {
          sums.put(SplitRule.NAMES[s], weightSums[s]);
        }
      }
      w.put(settings.weightsAsGiven() ? "sums" : "sums_as_read", sums);
      meta.put("weights", w);
    }
    if (cols.hasGroup()) {
      Map<String, Object> g = new LinkedHashMap<>();
      g.put("column", spec.group());
      if (assembly.groupNames() != null) {
        g.put("names", assembly.groupNames());
      }
      meta.put("groups", g);
    }
    if (!assembly.encodings().isEmpty()) {
      meta.put("categorical_encodings", assembly.encodings());
    }
    meta.put("scaler", scaler.describe());
    meta.put("split_method", rule.method());
    meta.put("split_seed", rule.seed());
    Map<String, Object> noise = new LinkedHashMap<>();
    noise.put("fraction", settings.noiseFraction());
    noise.put("seed", settings.noiseSeed());
    meta.put("label_noise", noise);
    meta.put("source_partitions", m);
    meta.put("partitions", splits.values().iterator().next().getNumPartitions());
    return new IngestedTable(splits, meta, featureCount, classes, broadcasts);
  }

  private static double weightFactor(String where, int split, int rows, double sum) {
    try {
      return InstanceWeights.normalizer(rows, sum);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + SplitRule.NAMES[split] + " split: " + e.getMessage());
    }
  }

  private static List<String> vectorNames(String column, int featureCount) {
    List<String> names = new ArrayList<>(featureCount);
    for (int j = 0; j < featureCount; j++) {
      names.add(column + "[" + j + "]");
    }
    return names;
  }

  /** The training rows' unscaled features, from the cache, for MLlib's scalers. */
  private static Dataset<Row> trainFeatures(SparkSession spark, JavaRDD<SourceBlock> blocks,
      Broadcast<byte[]> membership, long[] parentStart) {
    JavaRDD<Row> rows = blocks.mapPartitionsWithIndex((k, it) -> {
      List<Row> out = new ArrayList<>();
      while (it.hasNext()) {
        SourceBlock b = it.next();
        for (int i = 0; i < b.size(); i++) {
          byte s = membership != null ? membership.value()[(int) (parentStart[k] + i)] : b.split[i];
          if (s == SplitRule.TRAIN) {
            out.add(RowFactory.create(b.features[i]));
          }
        }
      }
      return out.iterator();
    }, true);
    StructType schema = new StructType().add("features", SQLDataTypes.VectorType(), false);
    return spark.createDataFrame(rows, schema);
  }

  /** How a source block's rows of one split become a partition's rows. */
  private record Build(long[] parentStart, Broadcast<byte[]> membership, Broadcast<int[]> draws, Scaler scaler,
      boolean fromVectorColumn, boolean numberIds, boolean cleanColumn, double[] weightFactor, boolean withGroups)
      implements java.io.Serializable {

    /** Whether the split's rows carry clean labels: the table's own, or the labels before noise. */
    boolean withClean(byte split) {
      return cleanColumn || draws != null && split == SplitRule.TRAIN;
    }

    /** Appends the rows of {@code split} in block {@code b} (source partition k) to the lists. */
    void add(SourceBlock b, int k, byte split, int splitStart, List<Vector> f, List<double[]> rest) {
      for (int i = 0; i < b.size(); i++) {
        long number = parentStart[k] + i;
        byte s = membership != null ? membership.value()[(int) number] : b.split[i];
        if (s != split) {
          continue;
        }
        double y = b.labels[i];
        double clean = b.clean != null ? b.clean[i] : Double.NaN;
        if (split == SplitRule.TRAIN && draws != null) {
          int d = draws.value()[splitStart + f.size()];
          clean = y;
          if (d >= 0) {
            y = LabelNoise.relabel(y, d);
          }
        }
        f.add(SourceBlock.storage(scaler.apply(b.features[i]), fromVectorColumn, b.summary));
        rest.add(new double[] {y, b.ids != null ? b.ids[i] : number, clean, b.weights != null ? b.weights[i] : 1,
            b.groups != null ? b.groups[i] : Double.NaN});
      }
    }

    RowPartition partition(int start, List<Vector> f, List<double[]> rest, byte split) {
      boolean withClean = withClean(split);
      int n = f.size();
      double[] y = new double[n];
      long[] ids = new long[n];
      double[] clean = withClean ? new double[n] : null;
      double[] weights = weightFactor != null ? new double[n] : null;
      double[] groups = withGroups ? new double[n] : null;
      for (int i = 0; i < n; i++) {
        double[] r = rest.get(i);
        y[i] = r[0];
        ids[i] = (long) r[1];
        if (withClean) {
          clean[i] = r[2];
        }
        if (weights != null) {
          weights[i] = r[3] * weightFactor[split];
        }
        if (groups != null) {
          groups[i] = r[4];
        }
      }
      return new RowPartition(start, f.toArray(Vector[]::new), y, weights, ids, clean, groups);
    }

    /** A direct block's rows numbered from {@code start}, their weights brought to the split's mean. */
    RowPartition direct(RowPartition rows, int start, long idOffset, byte split) {
      RowPartition numbered = rows.startingAt(start, idOffset);
      return weightFactor == null ? numbered : numbered.withWeightsScaled(weightFactor[split]);
    }
  }

  /** One partition per source partition, numbered by the counts before it: no shuffle, and no copy of direct blocks. */
  private static JavaRDD<RowPartition> inPlace(JavaRDD<SourceBlock> blocks, long[] perSplit, Build build, byte split) {
    int[] start = new int[perSplit.length];
    for (int k = 1; k < perSplit.length; k++) {
      start[k] = (int) (start[k - 1] + perSplit[k - 1]);
    }
    return blocks.mapPartitionsWithIndex((k, it) -> {
      List<RowPartition> out = new ArrayList<>(1);
      while (it.hasNext()) {
        SourceBlock b = it.next();
        if (b.direct != null) {
          out.add(build.direct(b.direct[split], start[k], build.numberIds() ? build.parentStart()[k] : 0, split));
        } else {
          List<Vector> f = new ArrayList<>();
          List<double[]> rest = new ArrayList<>();
          build.add(b, k, split, start[k], f, rest);
          out.add(build.partition(start[k], f, rest, split));
        }
      }
      return out.iterator();
    }, true);
  }

  /** Fewer source partitions than asked for: the split's numbered rows spread by one shuffle. */
  private static JavaRDD<RowPartition> spread(JavaRDD<SourceBlock> blocks, long[] perSplit, int n, int partitions,
      Build build, byte split) {
    long[] start = new long[perSplit.length];
    for (int k = 1; k < perSplit.length; k++) {
      start[k] = start[k - 1] + perSplit[k - 1];
    }
    JavaPairRDD<Long, Tuple2<Vector, double[]>> numbered = blocks.mapPartitionsWithIndex((k, it) -> {
      List<Tuple2<Long, Tuple2<Vector, double[]>>> out = new ArrayList<>();
      while (it.hasNext()) {
        List<Vector> f = new ArrayList<>();
        List<double[]> rest = new ArrayList<>();
        build.add(it.next(), k, split, (int) start[k], f, rest);
        for (int i = 0; i < f.size(); i++) {
          out.add(new Tuple2<>(start[k] + i, new Tuple2<>(f.get(i), rest.get(i))));
        }
      }
      return out.iterator();
    }, true).mapToPair(t -> t);
    return numbered.partitionBy(new ContiguousPartitioner(partitions, n)).mapPartitionsWithIndex((g, it) -> {
      List<Tuple2<Long, Tuple2<Vector, double[]>>> rows = new ArrayList<>();
      it.forEachRemaining(rows::add);
      rows.sort((a, b) -> Long.compare(a._1(), b._1()));
      List<Vector> f = new ArrayList<>(rows.size());
      List<double[]> rest = new ArrayList<>(rows.size());
      for (Tuple2<Long, Tuple2<Vector, double[]>> r : rows) {
        f.add(r._2()._1());
        rest.add(r._2()._2());
      }
      return List.of(build.partition((int) ContiguousPartitioner.from(g, partitions, n), f, rest, split)).iterator();
    }, true);
  }

  /**
   * Runs a Spark action, turning a bad row's error on an executor back into its own one-line
   * exception, and any other failure to read the table into one line that names the cause.
   */
  static <T> T unwrap(java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (Exception e) { // Spark's exceptions are checked ones it throws undeclared
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof DataFormatException d) {
          throw new DataFormatException(d.getMessage());
        }
      }
      String message = String.valueOf(e.getMessage());
      int ours = message.indexOf(DataFormatException.class.getName() + ": ");
      if (ours >= 0) {
        throw new DataFormatException(TableReader.firstLine(message.substring(ours
            + DataFormatException.class.getName().length() + 2)));
      }
      if (e instanceof IllegalArgumentException i) {
        throw i;
      }
      throw new IllegalArgumentException("reading the table failed: " + TableReader.firstLine(message), e);
    }
  }
}
