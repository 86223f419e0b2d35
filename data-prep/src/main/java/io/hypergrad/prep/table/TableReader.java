package io.hypergrad.prep.table;

import io.hypergrad.prep.CaliforniaReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * A {@link TableSpec}'s rows as Spark's own reader gives them (on the executors), with each row's
 * file in {@code _file} for messages about bad rows.
 */
public final class TableReader {
  public static final String FILE = "_file";

  private TableReader() {}

  public static Dataset<Row> read(SparkSession spark, TableSpec spec) {
    try {
      Dataset<Row> df;
      if (!spec.fromFiles()) {
        df = spark.table(spec.table()).withColumn(FILE, functions.lit("table " + spec.table()));
      } else if (spec.format().equals("adult")) {
        df = adult(spark, spec.paths());
      } else if (spec.format().equals("california")) {
        df = california(spark, spec);
      } else if (spec.format().equals("idx")) {
        df = IdxTable.read(spark, spec.paths());
      } else {
        DataFrameReader r = spark.read().format(spec.format());
        if (spec.format().equals("csv")) {
          r.option("header", "true");
          if (spec.schema() == null) {
            r.option("inferSchema", "true");
          }
        }
        spec.options().forEach(r::option);
        if (spec.schema() != null) {
          r.schema(spec.schema());
        }
        df = r.load(spec.paths().toArray(String[]::new)).withColumn(FILE, functions.input_file_name());
        // a byte-order mark (Excel writes one) is not part of the first column's name
        String first = df.columns()[0];
        if (first.startsWith("\uFEFF")) {
          df = df.withColumnRenamed(first, first.substring(1));
        }
      }
      return df;
    } catch (io.hypergrad.prep.DataFormatException e) {
      throw e;
    } catch (Exception e) { // AnalysisException is a checked exception Spark throws undeclared
      throw new IllegalArgumentException("cannot read " + describe(spec) + ": " + firstLine(e.getMessage()), e);
    }
  }

  /** UCI Adult's files as {@link TableSpec#adult} describes them. */
  private static Dataset<Row> adult(SparkSession spark, List<String> paths) {
    StringBuilder schema = new StringBuilder();
    for (String c : TableSpec.ADULT_COLUMNS) {
      boolean text = TableSpec.ADULT_CATEGORICAL.contains(c) || c.equals("income");
      schema.append(schema.length() == 0 ? "" : ", ").append('`').append(c).append("` ").append(text ? "STRING" : "DOUBLE");
    }
    Dataset<Row> df = spark.read().format("csv").option("header", "false").option("ignoreLeadingWhiteSpace", "true")
        .option("ignoreTrailingWhiteSpace", "true").option("nullValue", "?").option("comment", "|")
        .schema(schema.toString()).load(paths.toArray(String[]::new));
    // adult.test writes the label with a trailing period
    return df.withColumn("income", functions.regexp_replace(functions.col("income"), "\\.$", ""))
        .withColumn(FILE, functions.input_file_name());
  }

  /**
   * California Housing's {@code cal_housing.data} (9 numbers a line, no header) as the in-memory
   * reader gives it: the label {@code medianHouseValue} in units of 100,000 USD, and either
   * scikit-learn's 8 per-household features (MedInc … Longitude; when the features name any of them)
   * or the file's own columns. Spark's column names ignore case, so the two sets are never mixed in
   * one table. A row whose {@code households} is not positive cannot give per-household features:
   * it is a bad row then.
   */
  private static Dataset<Row> california(SparkSession spark, TableSpec spec) {
    StringBuilder schema = new StringBuilder();
    for (String c : CaliforniaReader.COLUMNS) {
      schema.append(schema.length() == 0 ? "" : ", ").append('`').append(c).append("` DOUBLE");
    }
    Dataset<Row> df = spark.read().format("csv").option("header", "false").option("ignoreLeadingWhiteSpace", "true")
        .option("ignoreTrailingWhiteSpace", "true").schema(schema.toString()).load(spec.paths().toArray(String[]::new))
        .withColumn(FILE, functions.input_file_name());
    Column label = functions.col("medianHouseValue").divide(100_000.0).as("medianHouseValue");
    if (spec.features().stream().noneMatch(CaliforniaReader.SKLEARN_FEATURES::contains)) {
      return df.withColumn("medianHouseValue", functions.col("medianHouseValue").divide(100_000.0));
    }
    Column h = functions.col("households");
    Column ok = h.gt(0);
    return df.select(label, functions.col("medianIncome").as("MedInc"), functions.col("housingMedianAge").as("HouseAge"),
        functions.when(ok, functions.col("totalRooms").divide(h)).as("AveRooms"),
        functions.when(ok, functions.col("totalBedrooms").divide(h)).as("AveBedrms"),
        functions.col("population").as("Population"),
        functions.when(ok, functions.col("population").divide(h)).as("AveOccup"),
        functions.col("latitude").as("Latitude"), functions.col("longitude").as("Longitude"),
        functions.when(h.isNotNull().and(h.leq(0)), functions.concat(functions.lit(
            "households: must be > 0 to derive per-household features, found "), h.cast("string"))).as(BAD_READ),
        functions.col(FILE));
  }

  /**
   * A reader's own verdict on a row (null when good, else "field: reason"), for checks the columns'
   * types cannot express; checked before the columns' own.
   */
  public static final String BAD_READ = "_bad_read";

  /** The column that names each row's split when the splits are read from sources of their own. */
  public static final String SOURCE_SPLIT = "_source_split";

  /**
   * The training table of {@code spec} and, read the same way, a validation and a test table from
   * other paths (either may be empty), one after the other, each row marked with its split in
   * {@link #SOURCE_SPLIT} (split it with {@code SplitRule("column", …, SOURCE_SPLIT)}): one pass
   * reads them all, the string columns get one encoding, and the scaler sees the training rows only.
   */
  public static Dataset<Row> readSplits(SparkSession spark, TableSpec spec, List<String> validationPaths,
      List<String> testPaths) {
    Dataset<Row> all = read(spark, spec).withColumn(SOURCE_SPLIT, functions.lit("train"));
    String[] names = {"val", "test"};
    List<List<String>> paths = List.of(validationPaths, testPaths);
    for (int s = 0; s < 2; s++) {
      if (paths.get(s).isEmpty()) {
        continue;
      }
      TableSpec other = spec.withPaths(paths.get(s));
      Dataset<Row> part = read(spark, other).withColumn(SOURCE_SPLIT, functions.lit(names[s]));
      if (!List.of(part.columns()).equals(List.of(all.columns()))) {
        throw new IllegalArgumentException("the " + names[s] + " table " + describe(other) + " has the columns "
            + List.of(part.columns()).subList(0, part.columns().length - 2) + ", the training table "
            + List.of(all.columns()).subList(0, all.columns().length - 2));
      }
      all = all.union(part);
    }
    return all;
  }

  /**
   * A directory of Parquet files read file by file in name order, so the rows come in the order they
   * were written (Spark's own listing orders files by size); each file's splits stay in file order.
   */
  public static Dataset<Row> readInNameOrder(SparkSession spark, String dir) throws IOException {
    Path root = new Path(dir);
    FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
    if (!fs.isDirectory(root)) {
      throw new IOException(dir + " is not a directory");
    }
    List<String> files = new ArrayList<>();
    for (FileStatus f : fs.listStatus(root)) {
      String name = f.getPath().getName();
      if (f.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
        files.add(f.getPath().toString());
      }
    }
    if (files.isEmpty()) {
      throw new IOException(dir + " holds no data files");
    }
    files.sort(null);
    Dataset<Row> all = null;
    for (String f : files) {
      Dataset<Row> one = spark.read().parquet(f).withColumn(FILE, functions.input_file_name());
      all = all == null ? one : all.union(one);
    }
    return all;
  }

  static String describe(TableSpec spec) {
    return spec.fromFiles() ? spec.format() + " " + (spec.paths().size() == 1 ? spec.paths().get(0) : spec.paths())
        : "table " + spec.table();
  }

  static String firstLine(String message) {
    if (message == null) {
      return "(no message)";
    }
    return Arrays.stream(message.split("\n")).findFirst().orElse(message).trim();
  }
}
