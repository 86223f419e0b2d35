package io.hypergrad.spark;

import com.fasterxml.jackson.core.type.TypeReference;
import io.hypergrad.output.OutputDirectory;
import io.hypergrad.output.SummaryJson;
import io.hypergrad.prep.DataPreparation;
import io.hypergrad.prep.PreparedSplit;
import io.hypergrad.prep.table.IngestedTable;
import io.hypergrad.prep.table.RowPartition;
import io.hypergrad.prep.table.SplitRule;
import io.hypergrad.prep.table.TableIngest;
import io.hypergrad.prep.table.TableReader;
import io.hypergrad.prep.table.TableSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The on-disk form of prepared data: one Parquet directory per split ({@code train/}, {@code val/},
 * {@code test/}) with columns {@code id} (long, the row's position in the source), {@code label}
 * (double), {@code features} (ml.linalg vector), {@code weight} (double, at mean 1 per split) when the
 * source had a weight column and, when label noise was added, {@code clean_label}; plus {@code
 * metadata.json}. Rows are written and read in id order (file names sort in row order). A prepare
 * output is a local path or a directory on any Hadoop file system ({@code hdfs://…}), read through the
 * job's Hadoop configuration.
 */
public final class PreparedData {
  public static final String METADATA = "metadata.json";
  private static final String[] SPLITS = {"train", "val", "test"};

  private PreparedData() {}

  public static StructType schema(boolean withWeight, boolean withCleanLabel) {
    List<StructField> fields = new ArrayList<>(List.of(
        DataTypes.createStructField("id", DataTypes.LongType, false),
        DataTypes.createStructField("label", DataTypes.DoubleType, false),
        DataTypes.createStructField("features", SQLDataTypes.VectorType(), false)));
    if (withWeight) {
      fields.add(DataTypes.createStructField("weight", DataTypes.DoubleType, false));
    }
    if (withCleanLabel) {
      fields.add(DataTypes.createStructField("clean_label", DataTypes.DoubleType, false));
    }
    return DataTypes.createStructType(fields);
  }

  /**
   * Writes every split and metadata.json into the job's output. Rows go in id order, into files whose
   * names sort in that order, so a split reads back in id order file by file.
   */
  public static void write(SparkSession spark, DataPreparation.Result data, OutputDirectory out) throws IOException {
    for (PreparedSplit split : data.splits()) {
      boolean noisy = split.cleanLabels() != null;
      boolean weighted = split.weights() != null;
      List<Row> rows = new ArrayList<>(split.size());
      for (int i = 0; i < split.size(); i++) {
        rows.add(row(split.ids()[i], split.labels()[i], split.features()[i], weighted ? split.weights()[i] : null,
            noisy ? split.cleanLabels()[i] : null));
      }
      // a local relation's slices are consecutive rows: one file per slice, in order
      spark.createDataFrame(rows, schema(weighted, noisy)).write().parquet(out.datasetPath(split.name()));
    }
    SummaryJson.mapper().writeValue(out.path(METADATA).toFile(), data.metadata());
  }

  /**
   * Writes a table ingested on the executors (nothing comes to the driver but the metadata): each
   * split's partitions become its files, in row order.
   */
  public static void write(SparkSession spark, IngestedTable table, OutputDirectory out) throws IOException {
    for (String name : SPLITS) {
      JavaRDD<RowPartition> parts = table.split(name);
      if (parts == null) {
        continue;
      }
      RowPartition first = parts.first();
      boolean noisy = first.hasCleanLabels();
      boolean weighted = first.weighted();
      JavaRDD<Row> rows = parts.flatMap(p -> {
        List<Row> list = new ArrayList<>(p.size());
        for (int i = 0; i < p.size(); i++) {
          list.add(row(p.id(i), p.rows().label(i), p.rows().row(i), weighted ? p.rows().instanceWeight(i) : null,
              noisy ? p.cleanLabel(i) : null));
        }
        return list.iterator();
      });
      spark.createDataFrame(rows, schema(weighted, noisy)).write().parquet(out.datasetPath(name));
    }
    SummaryJson.mapper().writeValue(out.path(METADATA).toFile(), table.metadata());
  }

  /** One row in {@link #schema}'s order; weight and clean label left out when null. */
  private static Row row(long id, double label, Vector features, Double weight, Double cleanLabel) {
    List<Object> values = new ArrayList<>(List.of(id, label, features));
    if (weight != null) {
      values.add(weight);
    }
    if (cleanLabel != null) {
      values.add(cleanLabel);
    }
    return RowFactory.create(values.toArray());
  }

  /** A prepare output's metadata.json. */
  public static Map<String, Object> metadata(String dir) throws IOException {
    String metaFile = child(dir, METADATA);
    if (!isFile(metaFile)) {
      throw new IOException(dir + " is not a prepare output: no " + METADATA);
    }
    Map<String, Object> meta;
    org.apache.hadoop.fs.Path mp = new org.apache.hadoop.fs.Path(metaFile);
    try (java.io.InputStream in = mp.getFileSystem(SparkSessions.hadoopConfiguration()).open(mp)) {
      meta = SummaryJson.mapper().readValue(in, new TypeReference<Map<String, Object>>() {});
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(metaFile + ": not the JSON prepare writes (" + e.getOriginalMessage() + ")", e);
    }
    for (String key : List.of("features", "classes")) {
      if (!(meta != null && meta.get(key) instanceof Number)) {
        throw new IOException(metaFile + ": field " + key + ": expected a number, as prepare writes it");
      }
    }
    if (!(meta.get("counts") instanceof Map<?, ?>)) {
      throw new IOException(metaFile + ": field counts: expected the splits' row counts, as prepare writes them");
    }
    return meta;
  }

  /** A split's row count, from metadata.json. */
  public static int count(Map<String, Object> meta, String split) {
    Object counts = meta.get("counts");
    return counts instanceof Map<?, ?> m && m.get(split) instanceof Number num ? num.intValue() : 0;
  }

  /**
   * A split read straight into {@code partitions} partitions of contiguous rows on the executors
   * (nothing of size n on the driver): its files in name order, that is in id order, numbered by
   * per-partition counts — no sort, and no shuffle unless the split has fewer files' worth of
   * partitions than asked for. Each partition keeps its rows' ids and, when the split has them,
   * their clean labels.
   */
  public static JavaRDD<RowPartition> partitions(String dir, String split, int partitions) {
    SparkSession spark = SparkSessions.get();
    if (!isDirectory(child(dir, split))) {
      String message = dir + ": a prepare output without its " + split + "/ split (" + child(dir, split)
          + " is not a directory); prepare it again";
      throw new UncheckedIOException(message, new IOException(message));
    }
    try {
      Dataset<Row> all = TableReader.readInNameOrder(spark, child(dir, split));
      List<String> columns = List.of(all.columns());
      TableSpec spec = TableSpec.prepared(child(dir, split), columns.contains("weight"),
          columns.contains("clean_label"));
      return TableIngest.run(spark, all, spec, SplitRule.none(), new TableIngest.Settings("none", 0, 0, partitions, true))
          .split("train");
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  /** Reads a {@code prepare} output back into the driver, on the job's SparkSession. */
  public static DataPreparation.Result read(String dir) throws IOException {
    Map<String, Object> meta = metadata(dir);
    int features = ((Number) meta.get("features")).intValue();
    int classes = ((Number) meta.get("classes")).intValue();
    SparkSession spark = SparkSessions.get();
    List<PreparedSplit> splits = new ArrayList<>();
    for (String name : SPLITS) {
      String p = child(dir, name);
      if (!isDirectory(p)) {
        continue;
      }
      Dataset<Row> df = spark.read().parquet(p).orderBy("id");
      boolean noisy = List.of(df.columns()).contains("clean_label");
      boolean weighted = List.of(df.columns()).contains("weight");
      List<Row> rows = df.collectAsList();
      long[] ids = new long[rows.size()];
      Vector[] f = new Vector[rows.size()];
      double[] y = new double[rows.size()];
      double[] clean = noisy ? new double[rows.size()] : null;
      double[] weights = weighted ? new double[rows.size()] : null;
      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        ids[i] = r.getLong(r.fieldIndex("id"));
        y[i] = r.getDouble(r.fieldIndex("label"));
        f[i] = r.getAs("features");
        if (f[i].size() != features) {
          throw new IOException(p + ": row id " + ids[i] + ": field features: has " + f[i].size()
              + " entries, metadata.json says " + features);
        }
        if (noisy) {
          clean[i] = r.getDouble(r.fieldIndex("clean_label"));
        }
        if (weighted) {
          weights[i] = r.getDouble(r.fieldIndex("weight"));
        }
      }
      splits.add(new PreparedSplit(name, ids, f, y, clean, weights));
    }
    return new DataPreparation.Result(splits, meta, features, classes);
  }

  /** {@code dir/name}, for a local path or a Hadoop URI alike. */
  static String child(String dir, String name) {
    return OutputDirectory.isUri(dir) ? new org.apache.hadoop.fs.Path(dir, name).toString() : Path.of(dir, name).toString();
  }

  private static boolean isFile(String location) throws IOException {
    if (!OutputDirectory.isUri(location)) {
      return Files.isRegularFile(Path.of(location));
    }
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(location);
    org.apache.hadoop.fs.FileSystem fs = p.getFileSystem(SparkSessions.hadoopConfiguration());
    return fs.exists(p) && fs.getFileStatus(p).isFile();
  }

  private static boolean isDirectory(String location) {
    if (!OutputDirectory.isUri(location)) {
      return Files.isDirectory(Path.of(location));
    }
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(location);
      org.apache.hadoop.fs.FileSystem fs = p.getFileSystem(SparkSessions.hadoopConfiguration());
      return fs.exists(p) && fs.getFileStatus(p).isDirectory();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + location + ": " + e.getMessage(), e);
    }
  }
}
