package io.hypergrad.influence;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * What the {@code influence} job reports of its scores, each a pass over the cached per-partition
 * score arrays ({@link InfluenceScores}, a few doubles a row) with partials added in partition order:
 * summary statistics (and agreement with cg's scores), the histogram, the label-noise diagnostics
 * and the top-k rows each way (a bounded selection per partition, merged).
 */
public final class InfluenceReport {
  private InfluenceReport() {}

  /** One row's rank key and what the reports print of it. */
  public record Ranked(long id, double influence, double label, double loss, double clean) implements Serializable {}

  /** Most harmful first: influence descending, ties by id ascending. */
  private static final Comparator<Ranked> HARMFUL = (Comparator<Ranked> & Serializable) (a, b) -> {
    int c = Double.compare(b.influence(), a.influence());
    return c != 0 ? c : Long.compare(a.id(), b.id());
  };
  /** Most helpful first: influence ascending, ties by id ascending. */
  private static final Comparator<Ranked> HELPFUL = (Comparator<Ranked> & Serializable) (a, b) -> {
    int c = Double.compare(a.influence(), b.influence());
    return c != 0 ? c : Long.compare(a.id(), b.id());
  };
  /** Highest training loss first, ties by id ascending. */
  private static final Comparator<Ranked> BY_LOSS = (Comparator<Ranked> & Serializable) (a, b) -> {
    int c = Double.compare(b.loss(), a.loss());
    return c != 0 ? c : Long.compare(a.id(), b.id());
  };

  private static JavaRDD<Ranked> ranked(JavaRDD<InfluenceScores> scores) {
    return scores.flatMap(p -> {
      List<Ranked> out = new ArrayList<>(p.size());
      for (int i = 0; i < p.size(); i++) {
        out.add(new Ranked(p.ids()[i], p.influence()[i], p.labels()[i], p.losses()[i],
            p.clean() != null ? p.clean()[i] : Double.NaN));
      }
      return out.iterator();
    });
  }

  /** Per-partition partials of {@code f}, added in partition order. */
  private static double[] sum(JavaRDD<InfluenceScores> scores, org.apache.spark.api.java.function.Function<
      InfluenceScores, double[]> f) {
    double[] total = null;
    for (double[] part : scores.map(f).collect()) {
      if (total == null) {
        total = part.clone();
      } else {
        for (int j = 0; j < total.length; j++) {
          total[j] += part[j];
        }
      }
    }
    return total;
  }

  public static Map<String, Object> stats(JavaRDD<InfluenceScores> scores, boolean withCg) {
    // count, Σ, harmful rows, Σ cg (added in partition order); min and max
    double[] first = new double[4];
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double[] part : scores.map(p -> {
      double[] o = {p.size(), 0, 0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
      for (int i = 0; i < p.size(); i++) {
        double v = p.influence()[i];
        o[1] += v;
        o[2] += v > 0 ? 1 : 0;
        o[3] += p.cg() != null ? p.cg()[i] : 0;
        o[4] = Math.min(o[4], v);
        o[5] = Math.max(o[5], v);
      }
      return o;
    }).collect()) {
      for (int j = 0; j < 4; j++) {
        first[j] += part[j];
      }
      min = Math.min(min, part[4]);
      max = Math.max(max, part[5]);
    }
    long n = (long) first[0];
    double mean = first[1] / n;
    double meanCg = first[3] / n;
    // second pass about the means: the variance and the agreement with cg
    double[] second = sum(scores, p -> {
      double[] o = new double[5];
      for (int i = 0; i < p.size(); i++) {
        double d = p.influence()[i] - mean;
        o[0] += d * d;
        if (p.cg() != null) {
          double e = p.cg()[i] - meanCg;
          o[1] += d * e;
          o[2] += e * e;
          double diff = p.influence()[i] - p.cg()[i];
          o[3] += diff * diff;
          o[4] += p.cg()[i] * p.cg()[i];
        }
      }
      return o;
    });
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", n);
    m.put("sum", first[1]);
    m.put("mean", mean);
    m.put("std", Math.sqrt(second[0] / n));
    m.put("min", min);
    m.put("max", max);
    m.put("harmful_rows", (long) first[2]);
    if (withCg) {
      m.put("pearson_vs_cg", second[1] / Math.sqrt(second[0] * second[2]));
      m.put("relative_error_vs_cg", Math.sqrt(second[3]) / Math.sqrt(second[4]));
    }
    return m;
  }

  public static Map<String, Object> histogram(JavaRDD<InfluenceScores> scores, int bins) {
    Tuple2<double[], long[]> h = scores.flatMapToDouble(p -> java.util.Arrays.stream(p.influence()).iterator())
        .histogram(bins);
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
  public static Map<String, Object> noise(JavaRDD<InfluenceScores> scores, long n, double fraction, PrintStream log) {
    return noise(scores, n, fraction, "harmful", log);
  }

  /**
   * As {@link #noise(JavaRDD, long, double, PrintStream)}, the top rows by score named {@code ranked}
   * (harmful for the validation influence, self_influence for self-influence) in the keys.
   */
  public static Map<String, Object> noise(JavaRDD<InfluenceScores> scores, long n, double fraction, String rankedBy,
      PrintStream log) {
    long flippedRows = (long) sum(scores, p -> {
      double c = 0;
      for (int i = 0; i < p.size(); i++) {
        c += p.labels()[i] != p.clean()[i] ? 1 : 0;
      }
      return new double[] {c};
    })[0];
    int top = (int) Math.ceil(fraction * n);
    JavaRDD<Ranked> ranked = ranked(scores);
    long byInfluence = ranked.takeOrdered(top, HARMFUL).stream().filter(r -> r.label() != r.clean()).count();
    long byLoss = ranked.takeOrdered(top, BY_LOSS).stream().filter(r -> r.label() != r.clean()).count();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("flipped_rows", flippedRows);
    m.put("flipped_share", flippedRows / (double) n);
    m.put("top_fraction", fraction);
    m.put("top_rows", top);
    m.put("flipped_in_top_" + rankedBy, byInfluence);
    m.put("share_in_top_" + rankedBy, byInfluence / (double) top);
    m.put("share_in_top_loss", byLoss / (double) top);
    m.put("recall_top_" + rankedBy, flippedRows == 0 ? 0.0 : byInfluence / (double) flippedRows);
    log.printf(Locale.ROOT, "label noise: %d of %d rows flipped (%.1f%%); among the %d top rows by %s %.1f%% are flipped "
        + "(by training loss: %.1f%%)%n", flippedRows, n, 100.0 * flippedRows / n, top, rankedBy, 100.0 * byInfluence / top,
        100.0 * byLoss / top);
    return m;
  }

  /**
   * top.csv: the top_k most harmful rows, then the top_k most helpful, with rank 1 the strongest; for
   * self-influence the top_k highest, then the lowest.
   */
  public static void writeTop(Path file, JavaRDD<InfluenceScores> scores, int k, boolean clean, boolean self)
      throws IOException {
    JavaRDD<Ranked> ranked = ranked(scores);
    List<Ranked> harmful = ranked.takeOrdered(k, HARMFUL);
    List<Ranked> helpful = ranked.takeOrdered(k, HELPFUL);
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("kind,rank,id," + (self ? "self_influence" : "influence") + ",label,loss" + (clean ? ",clean_label" : "")
          + "\n");
      String[] kinds = self ? new String[] {"highest", "lowest"} : new String[] {"harmful", "helpful"};
      for (String kind : kinds) {
        List<Ranked> list = kind.equals(kinds[0]) ? harmful : helpful;
        for (int i = 0; i < list.size(); i++) {
          Ranked r = list.get(i);
          w.write(String.format(Locale.ROOT, "%s,%d,%d,%s,%s,%s%s%n", kind, i + 1, r.id(), r.influence(), r.label(),
              r.loss(), clean ? "," + r.clean() : ""));
        }
      }
    }
  }
}
