package io.hypergrad.bench;

import io.hypergrad.spark.SparkSessions;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Two influence runs' per-row scores joined by id: the relative error of the second against the
 * first (median, 90th percentile, largest) and their Pearson correlation, as one markdown cell group.
 *   ScoreComparison REFERENCE_SCORES APPROX_SCORES COLUMN
 */
public final class ScoreComparison {
  private ScoreComparison() {}

  public static void main(String[] args) {
    String column = args[2];
    Dataset<Row> reference = SparkSessions.get().read().parquet(args[0]).select("id", column).toDF("id", "reference");
    Dataset<Row> approx = SparkSessions.get().read().parquet(args[1]).select("id", column).toDF("id", "approx");
    List<Row> rows = reference.join(approx, "id").collectAsList();
    int n = rows.size();
    double[] errors = new double[n];
    double sa = 0;
    double sb = 0;
    for (int i = 0; i < n; i++) {
      double a = rows.get(i).getDouble(1);
      double b = rows.get(i).getDouble(2);
      errors[i] = Math.abs(b - a) / Math.abs(a);
      sa += a;
      sb += b;
    }
    double ma = sa / n;
    double mb = sb / n;
    double cab = 0;
    double caa = 0;
    double cbb = 0;
    for (Row r : rows) {
      double a = r.getDouble(1) - ma;
      double b = r.getDouble(2) - mb;
      cab += a * b;
      caa += a * a;
      cbb += b * b;
    }
    java.util.Arrays.sort(errors);
    System.out.printf(Locale.ROOT, "%d | %.2e | %.2e | %.2e | %.6f%n", n, errors[n / 2], errors[(int) (0.9 * (n - 1))],
        errors[n - 1], cab / Math.sqrt(caa * cbb));
    SparkSessions.get().stop();
  }
}
