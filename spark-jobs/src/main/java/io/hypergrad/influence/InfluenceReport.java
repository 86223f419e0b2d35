package io.hypergrad.influence;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import scala.Tuple2;

/**
 * What the {@code influence} job reports of its scores, each an aggregation on the executors: summary
 * statistics (and agreement with cg's scores), the histogram, the label-noise diagnostics and the
 * top-k rows each way.
 */
public final class InfluenceReport {
  private InfluenceReport() {}

  public static Map<String, Object> stats(Dataset<Row> scores, boolean withCg) {
    Column[] aggs = {functions.count("influence"), functions.sum("influence"), functions.mean("influence"),
        functions.stddev_pop("influence"), functions.min("influence"), functions.max("influence"),
        functions.sum(functions.when(functions.col("influence").gt(0), 1).otherwise(0))};
    Row r = scores.agg(aggs[0], java.util.Arrays.copyOfRange(aggs, 1, aggs.length)).first();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", r.getLong(0));
    m.put("sum", r.getDouble(1));
    m.put("mean", r.getDouble(2));
    m.put("std", r.getDouble(3));
    m.put("min", r.getDouble(4));
    m.put("max", r.getDouble(5));
    m.put("harmful_rows", r.getLong(6));
    if (withCg) {
      Row c = scores.agg(functions.corr("influence", "influence_cg"),
          functions.sqrt(functions.sum(functions.pow(functions.col("influence").minus(functions.col("influence_cg")), 2))),
          functions.sqrt(functions.sum(functions.pow(functions.col("influence_cg"), 2)))).first();
      m.put("pearson_vs_cg", c.getDouble(0));
      m.put("relative_error_vs_cg", c.getDouble(1) / c.getDouble(2));
    }
    return m;
  }

  public static Map<String, Object> histogram(Dataset<Row> scores, int bins) {
    Tuple2<double[], long[]> h = scores.select("influence").javaRDD().mapToDouble(r -> r.getDouble(0)).histogram(bins);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("edges", h._1());
    m.put("counts", h._2());
    return m;
  }

  /**
   * Label-noise diagnostics when the data records clean labels: the share of flipped rows among the
   * top fraction by influence (most harmful first), beside the same share by training loss (the
   * usual noise detector) and the base rate a random pick would give.
   */
  public static Map<String, Object> noise(Dataset<Row> scores, long n, double fraction, PrintStream log) {
    Column flipped = functions.col("label").notEqual(functions.col("clean_label"));
    long flippedRows = scores.filter(flipped).count();
    int top = (int) Math.ceil(fraction * n);
    long byInfluence = scores.orderBy(functions.desc("influence"), functions.asc("id")).limit(top).filter(flipped).count();
    long byLoss = scores.orderBy(functions.desc("loss"), functions.asc("id")).limit(top).filter(flipped).count();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("flipped_rows", flippedRows);
    m.put("flipped_share", flippedRows / (double) n);
    m.put("top_fraction", fraction);
    m.put("top_rows", top);
    m.put("flipped_in_top_harmful", byInfluence);
    m.put("share_in_top_harmful", byInfluence / (double) top);
    m.put("share_in_top_loss", byLoss / (double) top);
    m.put("recall_top_harmful", flippedRows == 0 ? 0.0 : byInfluence / (double) flippedRows);
    log.printf(Locale.ROOT, "label noise: %d of %d rows flipped (%.1f%%); among the %d most harmful rows %.1f%% are flipped "
        + "(by training loss: %.1f%%)%n", flippedRows, n, 100.0 * flippedRows / n, top, 100.0 * byInfluence / top,
        100.0 * byLoss / top);
    return m;
  }

  /** top.csv: the top_k most harmful rows, then the top_k most helpful, with rank 1 the strongest. */
  public static void writeTop(Path file, Dataset<Row> scores, int k, boolean clean) throws IOException {
    List<Row> harmful = scores.orderBy(functions.desc("influence"), functions.asc("id")).limit(k).collectAsList();
    List<Row> helpful = scores.orderBy(functions.asc("influence"), functions.asc("id")).limit(k).collectAsList();
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("kind,rank,id,influence,label,loss" + (clean ? ",clean_label" : "") + "\n");
      for (String kind : new String[] {"harmful", "helpful"}) {
        List<Row> list = kind.equals("harmful") ? harmful : helpful;
        for (int i = 0; i < list.size(); i++) {
          Row r = list.get(i);
          w.write(String.format(Locale.ROOT, "%s,%d,%d,%s,%s,%s%s%n", kind, i + 1, r.getLong(r.fieldIndex("id")),
              r.getDouble(r.fieldIndex("influence")), r.getDouble(r.fieldIndex("label")), r.getDouble(r.fieldIndex("loss")),
              clean ? "," + r.getDouble(r.fieldIndex("clean_label")) : ""));
        }
      }
    }
  }
}
