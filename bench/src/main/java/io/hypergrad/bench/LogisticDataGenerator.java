package io.hypergrad.bench;

import io.hypergrad.output.SummaryJson;
import io.hypergrad.spark.PreparedData;
import io.hypergrad.spark.SparkSessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Writes a {@code prepare}-format dataset of generated binary-logistic rows (train and val Parquet
 * plus metadata.json), generated on the executors so that no split passes through the driver:
 * features N(0, 1), labels drawn from σ(aᵀw*) with a fixed w* ~ N(0, 1/F).
 *   LogisticDataGenerator OUT_DIR TRAIN_ROWS [VAL_ROWS] [FEATURES]
 */
public final class LogisticDataGenerator {
  private LogisticDataGenerator() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    long train = Long.parseLong(args[1]);
    long val = args.length > 2 ? Long.parseLong(args[2]) : 10_000;
    int features = args.length > 3 ? Integer.parseInt(args[3]) : 100;
    SparkSession spark = SparkSessions.get();
    Files.createDirectories(out);
    write(spark, out.resolve("train"), train, features, 0, 1);
    write(spark, out.resolve("val"), val, features, train, 2);
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("source", "generated binary-logistic rows (bench/LogisticDataGenerator)");
    meta.put("features", features);
    meta.put("classes", 2);
    meta.put("counts", Map.of("train", train, "val", val, "test", 0));
    SummaryJson.mapper().writeValue(out.resolve(PreparedData.METADATA).toFile(), meta);
    spark.stop();
  }

  private static void write(SparkSession spark, Path dir, long n, int f, long firstId, long seed) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    spark.createDataFrame(rows(jsc, n, f, firstId, seed), PreparedData.schema(false, false)).write().parquet(dir.toString());
  }

  /** Indexes 0 … P − 1 of partitions of about {@code perPartition} rows each (at most 64), one per Spark partition. */
  static JavaRDD<Integer> partitions(JavaSparkContext jsc, long n, long perPartition) {
    int partitions = (int) Math.max(1, Math.min(64, n / perPartition));
    List<Integer> ks = new ArrayList<>();
    for (int k = 0; k < partitions; k++) {
      ks.add(k);
    }
    return jsc.parallelize(ks, partitions);
  }

  /**
   * n rows (id, label, features) generated on the executors: features N(0, 1), labels drawn from
   * σ(aᵀw*) with a fixed w* ~ N(0, 1/F); ids from {@code firstId}.
   */
  static JavaRDD<Row> rows(JavaSparkContext jsc, long n, int f, long firstId, long seed) {
    double[] w = new double[f];
    SplittableRandom wr = new SplittableRandom(7);
    for (int j = 0; j < f; j++) {
      w[j] = gaussian(wr) / Math.sqrt(f);
    }
    JavaRDD<Integer> ks = partitions(jsc, n, 100_000);
    int partitions = ks.getNumPartitions();
    return ks.flatMap(k -> {
      long from = n * k / partitions;
      long to = n * (k + 1) / partitions;
      SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + k);
      List<Row> out = new ArrayList<>((int) (to - from));
      for (long i = from; i < to; i++) {
        double[] a = new double[f];
        double m = 0;
        for (int j = 0; j < f; j++) {
          a[j] = gaussian(rng);
          m += a[j] * w[j];
        }
        double y = rng.nextDouble() < 1 / (1 + Math.exp(-m)) ? 1 : 0;
        out.add(RowFactory.create(firstId + i, y, Vectors.dense(a)));
      }
      return out.iterator();
    });
  }

  private static double gaussian(SplittableRandom rng) {
    return Math.sqrt(-2 * Math.log1p(-rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
  }
}
