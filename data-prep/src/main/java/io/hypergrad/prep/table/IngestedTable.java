package io.hypergrad.prep.table;

import io.hypergrad.prep.DataPreparation;
import io.hypergrad.prep.PreparedSplit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;

/**
 * A table after {@link TableIngest}: each split's rows in cached partitions of contiguous row
 * ranges, and the metadata that makes the result reproducible (counts, dropped rows per reason,
 * features and their names, classes, encodings, scaler, split).
 */
public final class IngestedTable {
  private final Map<String, JavaRDD<RowPartition>> splits;
  private final Map<String, Object> metadata;
  private final int featureCount;
  private final int classes;
  private final List<Broadcast<?>> broadcasts;

  IngestedTable(Map<String, JavaRDD<RowPartition>> splits, Map<String, Object> metadata, int featureCount, int classes,
      List<Broadcast<?>> broadcasts) {
    this.splits = splits;
    this.broadcasts = broadcasts;
    this.metadata = metadata;
    this.featureCount = featureCount;
    this.classes = classes;
  }

  /** The split's partitions (train, val, test), or null when the split is empty. */
  public JavaRDD<RowPartition> split(String name) {
    return splits.get(name);
  }

  public Map<String, Object> metadata() {
    return metadata;
  }

  public int featureCount() {
    return featureCount;
  }

  public int classes() {
    return classes;
  }

  /** Every split brought to this JVM (small tables: the driver plan). */
  public DataPreparation.Result collect() {
    List<PreparedSplit> out = new ArrayList<>();
    splits.forEach((name, rdd) -> out.add(collect(name, rdd.collect())));
    return new DataPreparation.Result(out, metadata, featureCount, classes);
  }

  private static PreparedSplit collect(String name, List<RowPartition> parts) {
    int n = parts.stream().mapToInt(RowPartition::size).sum();
    long[] ids = new long[n];
    Vector[] f = new Vector[n];
    double[] y = new double[n];
    boolean withClean = parts.stream().anyMatch(RowPartition::hasCleanLabels);
    double[] clean = withClean ? new double[n] : null;
    double[] weights = parts.stream().anyMatch(RowPartition::weighted) ? new double[n] : null;
    int at = 0;
    for (RowPartition p : parts) {
      for (int i = 0; i < p.size(); i++, at++) {
        ids[at] = p.id(i);
        f[at] = p.rows().row(i);
        y[at] = p.rows().label(i);
        if (withClean) {
          clean[at] = p.cleanLabel(i);
        }
        if (weights != null) {
          weights[at] = p.rows().instanceWeight(i);
        }
      }
    }
    return new PreparedSplit(name, ids, f, y, clean, weights);
  }

  /** Frees the cached partitions and what their lineage broadcast (the split membership, the label noise). */
  public void release() {
    splits.values().forEach(rdd -> rdd.unpersist(false));
    broadcasts.forEach(b -> b.unpersist(false));
  }
}
