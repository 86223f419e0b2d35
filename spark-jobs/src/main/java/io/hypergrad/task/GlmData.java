package io.hypergrad.task;

import io.hypergrad.config.DataConfig;
import io.hypergrad.config.InvalidConfigException;
import io.hypergrad.config.JobConfig;
import io.hypergrad.model.Intercept;
import io.hypergrad.model.LabeledRows;
import io.hypergrad.plan.ExecutionPlan;
import io.hypergrad.prep.DataPreparation;
import io.hypergrad.prep.PreparedSplit;
import io.hypergrad.prep.table.IngestedTable;
import io.hypergrad.prep.table.RowPartition;
import io.hypergrad.prep.table.SplitRule;
import io.hypergrad.prep.table.TableIngest;
import io.hypergrad.prep.table.TableReader;
import io.hypergrad.prep.table.TableSpec;
import io.hypergrad.rows.LocalRows;
import io.hypergrad.rows.RowSource;
import io.hypergrad.spark.PartitionedRows;
import io.hypergrad.spark.PreparedData;
import io.hypergrad.spark.SparkSessions;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * A GLM job's data, wherever the config says it is and wherever the plan runs: raw files (read and
 * prepared in this JVM), a table Spark reads on the executors ({@code data.source}), or a prepare
 * output (its Parquet read on the executors). Its splits are in this JVM for the driver plan and
 * in cached partitions of contiguous row ranges on a Spark plan — every job builds its problem from
 * here, so each source is handled once.
 */
public final class GlmData {
  /** Picks the plan once the training row count and the feature count are known. */
  public interface PlanRule {
    String resolve(int trainRows, int features);
  }

  private static final String[] SPLITS = {"train", "val", "test"};

  private final String plan;
  private final DataPreparation.Result local;
  private final Map<String, JavaRDD<RowPartition>> partitions;
  private final Map<String, Object> metadata;
  private final int featureCount;
  private final int classes;
  private final boolean intercept;

  private GlmData(String plan, DataPreparation.Result local, Map<String, JavaRDD<RowPartition>> partitions,
      Map<String, Object> metadata, int featureCount, int classes) {
    this(plan, local, partitions, metadata, featureCount, classes, false);
  }

  private GlmData(String plan, DataPreparation.Result local, Map<String, JavaRDD<RowPartition>> partitions,
      Map<String, Object> metadata, int featureCount, int classes, boolean intercept) {
    this.plan = plan;
    this.local = local;
    this.partitions = partitions;
    this.metadata = metadata;
    this.featureCount = featureCount;
    this.classes = classes;
    this.intercept = intercept;
  }

  /**
   * The config's data; with {@code problem.intercept} every row ends in a constant 1 (the rows on the
   * executors are copied once with it, the rows here get it as they become a row source).
   */
  public static GlmData load(JobConfig cfg, PrintStream log, PlanRule rule) {
    GlmData data = loadRows(cfg, log, rule);
    return cfg.getBoolean("problem.intercept") ? data.withIntercept() : data;
  }

  /**
   * A table already ingested on the executors (a job's source, or the DataFrame a stage is fitted on)
   * as the data of plan {@code plan}: left where it is for a Spark plan, brought here (and released
   * there) for the driver plan.
   */
  public static GlmData ofTable(IngestedTable table, String plan) {
    if (!ExecutionPlan.onSpark(plan)) {
      DataPreparation.Result data = table.collect();
      table.release();
      return new GlmData(plan, data, null, data.metadata(), data.featureCount(), data.classes());
    }
    Map<String, JavaRDD<RowPartition>> parts = new LinkedHashMap<>();
    for (String s : SPLITS) {
      if (table.split(s) != null) {
        parts.put(s, table.split(s));
      }
    }
    return new GlmData(plan, null, parts, table.metadata(), table.featureCount(), table.classes());
  }

  /** The same data with an intercept's constant 1 after every row's features. */
  public GlmData withIntercept() {
    Map<String, JavaRDD<RowPartition>> parts = null;
    if (partitions != null) {
      parts = new LinkedHashMap<>();
      for (Map.Entry<String, JavaRDD<RowPartition>> e : partitions.entrySet()) {
        JavaRDD<RowPartition> with = e.getValue().map(RowPartition::withIntercept).persist(StorageLevel.MEMORY_AND_DISK());
        with.count();
        e.getValue().unpersist(false);
        parts.put(e.getKey(), with);
      }
    }
    return new GlmData(plan, local, parts, metadata, featureCount + 1, classes, true);
  }

  private static GlmData loadRows(JobConfig cfg, PrintStream log, PlanRule rule) {
    DataConfig.checkOneSource(cfg);
    long start = System.nanoTime();
    int partitions = cfg.getPositiveInt("partitions");
    if (DataConfig.isPrepared(cfg) && (DataConfig.isTable(cfg) || cfg.has("data.format"))) {
      log.printf(Locale.ROOT, "data: reading the prepare output %s; the config's %s is not used%n",
          DataConfig.prepared(cfg), DataConfig.isTable(cfg) ? "data.source" : "data.format/paths");
    }
    if (DataConfig.isPrepared(cfg)) {
      // a prepare output is already split, scaled and noised: keys that would do it again do nothing here
      List<String> ignored = new ArrayList<>();
      for (String key : List.of("data.split", "data.scaler", "data.label_noise", "data.seed", "data.on_bad_row")) {
        if (cfg.has(key)) {
          ignored.add(key);
        }
      }
      if (!ignored.isEmpty()) {
        log.printf(Locale.ROOT, "WARNING: data.prepared = %s is read as it was prepared; %s not used (they apply when "
            + "prepare runs)%n", DataConfig.prepared(cfg), String.join(", ", ignored) + (ignored.size() == 1 ? " is"
                : " are"));
      }
    }
    if (DataConfig.isTable(cfg) && !DataConfig.isPrepared(cfg)) {
      IngestedTable table = ingest(cfg);
      String plan = rule.resolve(PreparedData.count(table.metadata(), "train"), table.featureCount());
      log.printf(Locale.ROOT, "data: %s read on the executors from %s (%s split, %d partitions, dropped %s) (%.1f s)%n",
          table.metadata().get("counts"), table.metadata().get("source"), table.metadata().get("split_method"),
          table.metadata().get("partitions"), table.metadata().get("dropped"), (System.nanoTime() - start) / 1e9);
      return ofTable(table, plan);
    }
    if (DataConfig.isPrepared(cfg)) {
      Map<String, Object> meta = preparedMetadata(cfg);
      int features = ((Number) meta.get("features")).intValue();
      int classes = ((Number) meta.get("classes")).intValue();
      String plan = rule.resolve(PreparedData.count(meta, "train"), features);
      if (ExecutionPlan.onSpark(plan)) {
        Map<String, JavaRDD<RowPartition>> parts = new LinkedHashMap<>();
        for (String s : SPLITS) {
          if (PreparedData.count(meta, s) > 0) {
            parts.put(s, PreparedData.partitions(DataConfig.prepared(cfg), s, partitions));
          }
        }
        log.printf(Locale.ROOT, "data: %s read on the executors from %s into %d partitions (%.1f s)%n", meta.get("counts"),
            DataConfig.prepared(cfg), partitions, (System.nanoTime() - start) / 1e9);
        return new GlmData(plan, null, parts, meta, features, classes);
      }
      DataPreparation.Result data = read(cfg, log, start);
      return new GlmData(plan, data, null, meta, features, classes);
    }
    DataPreparation.Result data = read(cfg, log, start);
    String plan = rule.resolve(data.split("train").size(), data.featureCount());
    if (!ExecutionPlan.onSpark(plan)) {
      return new GlmData(plan, data, null, data.metadata(), data.featureCount(), data.classes());
    }
    JavaSparkContext jsc = SparkSessions.context();
    Map<String, JavaRDD<RowPartition>> parts = new LinkedHashMap<>();
    for (PreparedSplit s : data.splits()) {
      parts.put(s.name(), PartitionedRows.partitions(jsc, s.features(), s.labels(), s.weights(), s.ids(), s.cleanLabels(),
          partitions));
    }
    return new GlmData(plan, null, parts, data.metadata(), data.featureCount(), data.classes());
  }

  /** The config's table, read, split, scaled and numbered on the executors. */
  public static IngestedTable ingest(JobConfig cfg) {
    try {
      TableSpec spec = DataConfig.table(cfg);
      SplitRule rule = DataConfig.splitRule(cfg);
      SparkSession spark = SparkSessions.get();
      Dataset<Row> source = DataConfig.splitsFromSources(cfg) ? TableReader.readSplits(spark, spec,
          DataConfig.splitPaths(cfg, "val"), DataConfig.splitPaths(cfg, "test")) : TableReader.read(spark, spec);
      return TableIngest.run(spark, source, spec, rule, DataConfig.ingest(cfg));
    } catch (io.hypergrad.prep.DataFormatException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(cfg.where("data.source") + ": " + e.getMessage(), e);
    }
  }

  private static DataPreparation.Result read(JobConfig cfg, PrintStream log, long start) {
    try {
      DataPreparation.Result data = DataConfig.isPrepared(cfg) ? PreparedData.read(DataConfig.prepared(cfg))
          : DataPreparation.run(DataConfig.spec(cfg));
      log.printf(Locale.ROOT, "data: %s (%.1f s)%n", data.metadata().get("counts"), (System.nanoTime() - start) / 1e9);
      return data;
    } catch (IOException e) {
      throw new InvalidConfigException("cannot read the data: " + e.getMessage(), e);
    }
  }

  /** The metadata.json of the config's {@code data.prepared}; an unreadable one is a config error. */
  public static Map<String, Object> preparedMetadata(JobConfig cfg) {
    try {
      return PreparedData.metadata(DataConfig.prepared(cfg));
    } catch (IOException e) {
      throw new InvalidConfigException(cfg.where("data.prepared") + ": " + e.getMessage(), e);
    }
  }

  public String plan() {
    return plan;
  }

  /** Whether the rows are on the executors (a Spark plan). */
  public boolean onSpark() {
    return partitions != null;
  }

  /** The rows' feature count: the data's, plus the intercept's constant 1 when there is one. */
  public int featureCount() {
    return featureCount;
  }

  /** Whether the rows end in an intercept's constant 1. */
  public boolean intercept() {
    return intercept;
  }

  public int classes() {
    return classes;
  }

  public Map<String, Object> metadata() {
    return metadata;
  }

  /** What summary.json says of the data: rows per split and, when any were dropped, how many and why. */
  public Map<String, Object> summary() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("counts", metadata.get("counts"));
    if (metadata.get("dropped") instanceof Map<?, ?> d && !d.isEmpty()) {
      m.put("dropped", d);
    }
    return m;
  }

  /** Whether the split is present and not empty. */
  public boolean has(String split) {
    return onSpark() ? partitions.containsKey(split) : local.splits().stream().anyMatch(s -> s.name().equals(split));
  }

  /** The split's rows as a row source (here or on the executors), or null when it is empty. */
  public RowSource rows(String split) {
    if (!has(split)) {
      return null;
    }
    if (onSpark()) {
      return PartitionedRows.of(SparkSessions.context(), partitions.get(split), featureCount);
    }
    PreparedSplit s = local.split(split);
    LabeledRows rows = new LabeledRows(s.features(), s.labels(), s.weights(), featureCount - (intercept ? 1 : 0));
    return LocalRows.of(intercept ? Intercept.augment(rows) : rows);
  }

  /** The split's partitions (with ids and clean labels); Spark plans only. */
  public JavaRDD<RowPartition> partitions(String split) {
    if (!onSpark()) {
      throw new IllegalStateException("the data is in this JVM (plan " + plan + ")");
    }
    return partitions.get(split);
  }

  /** The data in this JVM; the driver plan only. */
  public DataPreparation.Result local() {
    if (onSpark()) {
      throw new IllegalStateException("the data is on the executors (plan " + plan + ")");
    }
    return local;
  }

  /** Whether the training rows carry clean labels (label noise was added). */
  public boolean cleanLabels() {
    if (!onSpark()) {
      return local.split("train").cleanLabels() != null;
    }
    Object noise = metadata.get("label_noise");
    return noise instanceof Map<?, ?> m && m.get("fraction") instanceof Number f && f.doubleValue() > 0;
  }

  /** Whether the rows carry instance weights (the table's weight column). */
  public boolean weighted() {
    return metadata.get("weights") != null;
  }

  /**
   * The split as a DataFrame (label, features and, for weighted rows, weight — MLlib's weightCol) for
   * MLlib, or null when it is empty.
   */
  public Dataset<Row> frame(String split) {
    if (!has(split)) {
      return null;
    }
    SparkSession spark = SparkSessions.get();
    boolean weighted = weighted();
    List<StructField> fields = new ArrayList<>(List.of(
        DataTypes.createStructField("label", DataTypes.DoubleType, false),
        DataTypes.createStructField("features", SQLDataTypes.VectorType(), false)));
    if (weighted) {
      fields.add(DataTypes.createStructField("weight", DataTypes.DoubleType, false));
    }
    StructType schema = DataTypes.createStructType(fields);
    if (onSpark()) {
      boolean strip = intercept;
      JavaRDD<Row> rows = partitions.get(split).flatMap(p -> {
        List<Row> out = new ArrayList<>(p.size());
        for (int i = 0; i < p.size(); i++) {
          out.add(weighted ? RowFactory.create(p.rows().label(i), features(p, i, strip), p.rows().instanceWeight(i))
              : RowFactory.create(p.rows().label(i), features(p, i, strip)));
        }
        return out.iterator();
      });
      return spark.createDataFrame(rows, schema);
    }
    PreparedSplit s = local.split(split);
    List<Row> rows = new ArrayList<>(s.size());
    for (int i = 0; i < s.size(); i++) {
      rows.add(weighted ? RowFactory.create(s.labels()[i], s.features()[i], s.weights()[i])
          : RowFactory.create(s.labels()[i], s.features()[i]));
    }
    return spark.createDataFrame(rows, schema);
  }

  /** Row i's features as the source gave them (the intercept's constant 1 left off). */
  private static Vector features(RowPartition p, int i, boolean strip) {
    Vector v = p.rows().row(i);
    return strip ? Intercept.strip(v) : v;
  }
}
