package io.hypergrad.bench;

import io.hypergrad.cli.Hypergrad;
import io.hypergrad.prep.SplitSizes;
import io.hypergrad.prep.table.IngestedTable;
import io.hypergrad.prep.table.SplitRule;
import io.hypergrad.prep.table.TableIngest;
import io.hypergrad.prep.table.TableSpec;
import io.hypergrad.spark.SparkSessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One measurement of bench/run-ingest.sh, in a JVM of its own, after the SparkSession is up:
 * <pre>
 *   IngestBenchmark generate DIR TRAIN_ROWS       two tables of the same rows: DIR/vector (id, label,
 *                                                 is_val, features) and DIR/columns (id, label, is_val,
 *                                                 x0 … x99); 10⁴ validation rows beside TRAIN_ROWS
 *   IngestBenchmark generate-libsvm DIR ROWS      a LIBSVM text file of sparse rows: 2¹⁸ hashed
 *                                                 features, about 50 non-zeros per row
 *   IngestBenchmark generate-csv DIR TRAIN_ROWS   the columns table's rows as CSV with a header
 *   IngestBenchmark scan    TABLE vector|columns  read + assemble + a count over the vectors
 *   IngestBenchmark ingest  TABLE vector|columns  the table into cached numbered partitions
 *   IngestBenchmark fit     TABLE vector|columns  MLlib LogisticRegression.fit, the same objective
 *   IngestBenchmark influence TABLE vector|columns CONF   the influence job on the table
 * </pre>
 * Each prints one line "seconds S" (and the job's phases for influence).
 */
public final class IngestBenchmark {
  static final int FEATURES = 100;
  static final double RHO = 1e-3;

  private IngestBenchmark() {}

  public static void main(String[] args) throws Exception {
    SparkSession spark = SparkSessions.get();
    String mode = args[0];
    long start = System.nanoTime();
    String extra = "";
    switch (mode) {
      case "generate" -> generate(spark, Path.of(args[1]), Long.parseLong(args[2]));
      case "csv-schema" -> extra = csvSchema();
      case "generate-libsvm" -> generateSparse(spark, Path.of(args[1]), Long.parseLong(args[2]));
      case "generate-csv" -> generateCsv(spark, Path.of(args[1]), Long.parseLong(args[2]));
      case "scan" -> extra = "rows " + scan(spark, args[1], args[2]);
      case "ingest" -> {
        IngestedTable t = TableIngest.run(spark, spec(args[1], args[2]), new SplitRule("column", new SplitSizes(1, 0, 0),
            0, "is_val"), new TableIngest.Settings("none", 0, 0, 8));
        extra = "counts " + t.metadata().get("counts") + " partitions " + t.metadata().get("source_partitions") + " phases " + t.metadata().get("ingest_seconds");
      }
      case "fit" -> {
        Dataset<Row> train = assembled(spark, args[1], args[2]).filter(functions.not(functions.col("is_val")));
        LogisticRegressionModel m = new LogisticRegression().setRegParam(RHO).setElasticNetParam(0).setFitIntercept(false)
            .setStandardization(false).setFeaturesCol("features").setLabelCol("label").fit(train);
        extra = "iterations " + m.summary().totalIterations();
      }
      case "influence" -> {
        Path out = Files.createTempDirectory("ingest-bench-influence");
        Files.delete(out);
        int rc = Hypergrad.execute("influence", "--conf", args[3], "--set", "data.source.path=\"" + args[1] + "/" + args[2]
            + "\"", "--set", "data.source.features=" + (args[2].equals("vector") ? "features" : "null"), "--out",
            out.toString());
        if (rc != 0) {
          throw new IllegalStateException("influence exited " + rc);
        }
        Map<?, ?> summary = io.hypergrad.output.SummaryJson.mapper().readValue(out.resolve("summary.json").toFile(),
            Map.class);
        extra = "phases " + summary.get("phase_seconds");
      }
      default -> throw new IllegalArgumentException("unknown mode " + mode);
    }
    System.out.printf(Locale.ROOT, "seconds %.2f %s%n", (System.nanoTime() - start) / 1e9, extra);
    spark.stop();
  }

  private static TableSpec spec(String dir, String shape) {
    return new TableSpec("parquet", List.of(dir + "/" + shape), null, "label", shape.equals("vector")
        ? List.of("features") : List.of(), List.of(), List.of(), "onehot", "id", null, Map.of(), null, "fail");
  }

  /** The table with its features as one vector column (MLlib's VectorAssembler for the columns shape). */
  private static Dataset<Row> assembled(SparkSession spark, String dir, String shape) {
    Dataset<Row> df = spark.read().parquet(dir + "/" + shape);
    if (shape.equals("vector")) {
      return df;
    }
    String[] cols = new String[FEATURES];
    for (int j = 0; j < FEATURES; j++) {
      cols[j] = "x" + j;
    }
    return new VectorAssembler().setInputCols(cols).setOutputCol("features").transform(df);
  }

  private static long scan(SparkSession spark, String dir, String shape) {
    return assembled(spark, dir, shape).select("features").javaRDD().map(r -> (long) ((Vector) r.get(0)).size())
        .reduce(Long::sum) / FEATURES;
  }

  private static void generate(SparkSession spark, Path dir, long train) {
    vectorRows(spark, train).write().parquet(dir.resolve("vector").toString());
    columns(spark.read().parquet(dir.resolve("vector").toString())).write().parquet(dir.resolve("columns").toString());
  }

  /** The rows of {@link #generate} as CSV files (id, label, is_val, x0 … x99), written on the executors. */
  private static void generateCsv(SparkSession spark, Path dir, long train) {
    columns(vectorRows(spark, train)).write().option("header", "true").csv(dir.toString());
  }

  /** TRAIN_ROWS + 10⁴ generated rows (id, label, features, is_val); every (n/10⁴)-th row is a validation row. */
  private static Dataset<Row> vectorRows(SparkSession spark, long train) {
    long n = train + 10_000;
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return spark.createDataFrame(LogisticDataGenerator.rows(jsc, n, FEATURES, 0, 1),
        io.hypergrad.spark.PreparedData.schema(false, false)).withColumn("is_val", functions.col("id").mod(n / 10_000).equalTo(0));
  }

  /** The same rows with the features as columns x0 … x99. */
  private static Dataset<Row> columns(Dataset<Row> v) {
    Dataset<Row> arrays = v.withColumn("a", org.apache.spark.ml.functions.vector_to_array(v.col("features"), "float64"));
    List<org.apache.spark.sql.Column> cols = new ArrayList<>(List.of(v.col("id"), v.col("label"), v.col("is_val")));
    for (int j = 0; j < FEATURES; j++) {
      cols.add(arrays.col("a").getItem(j).as("x" + j));
    }
    return arrays.select(cols.toArray(org.apache.spark.sql.Column[]::new));
  }

  /** The DDL schema of {@link #generateCsv}'s files. */
  static String csvSchema() {
    StringBuilder b = new StringBuilder("id BIGINT, label DOUBLE, is_val BOOLEAN");
    for (int j = 0; j < FEATURES; j++) {
      b.append(", x").append(j).append(" DOUBLE");
    }
    return b.toString();
  }

  static final int HASHED = 1 << 18;

  /** Rows of ~50 hashed tokens (a bag of words): label from a sparse linear model, written by MLlib's libsvm writer. */
  private static void generateSparse(SparkSession spark, Path dir, long n) {
    JavaRDD<Integer> ks = LogisticDataGenerator.partitions(JavaSparkContext.fromSparkContext(spark.sparkContext()), n,
        50_000);
    int partitions = ks.getNumPartitions();
    JavaRDD<Row> rows = ks.flatMap(k -> {
      long from = n * k / partitions;
      long to = n * (k + 1) / partitions;
      SplittableRandom rng = new SplittableRandom(2_000_003L + k);
      List<Row> out = new ArrayList<>((int) (to - from));
      for (long i = from; i < to; i++) {
        java.util.TreeMap<Integer, Double> bag = new java.util.TreeMap<>();
        int tokens = 30 + rng.nextInt(41);
        double m = 0;
        for (int t = 0; t < tokens; t++) {
          // Zipf-like token ids: a few frequent, a long tail
          int token = (int) Math.min(HASHED - 1, Math.floor(Math.pow(HASHED, rng.nextDouble())));
          int j = (int) (io.hypergrad.prep.table.SplitRule.mix(token) >>> 46);
          bag.merge(j, 1.0, Double::sum);
          m += ((j % 7) - 3) * 0.1;
        }
        double y = rng.nextDouble() < 1 / (1 + Math.exp(-m)) ? 1 : 0;
        int[] idx = bag.keySet().stream().mapToInt(Integer::intValue).toArray();
        double[] val = bag.values().stream().mapToDouble(v -> Math.log1p(v)).toArray();
        out.add(RowFactory.create(y, Vectors.sparse(HASHED, idx, val)));
      }
      return out.iterator();
    });
    StructType schema = new StructType().add("label", DataTypes.DoubleType, false)
        .add("features", SQLDataTypes.VectorType(), false);
    spark.createDataFrame(rows, schema).write().format("libsvm").save(dir.toString());
  }

  private static double gaussian(SplittableRandom rng) {
    return Math.sqrt(-2 * Math.log1p(-rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
  }
}
