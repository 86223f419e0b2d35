package io.hypergrad.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;

/**
 * Training rows gathered for the {@code chains} plan: each row with its index in the training split.
 *
 * @param index    global row index, increasing
 * @param features the rows
 * @param labels   their labels
 */
public record GatheredRows(int[] index, Vector[] features, double[] labels) implements Serializable {

  public int size() {
    return index.length;
  }

  /** Concatenates per-partition pieces given in partition order (so indices stay increasing). */
  static GatheredRows concat(List<GatheredRows> parts) {
    int total = parts.stream().mapToInt(GatheredRows::size).sum();
    int[] index = new int[total];
    List<Vector> f = new ArrayList<>(total);
    double[] y = new double[total];
    int at = 0;
    for (GatheredRows part : parts) {
      System.arraycopy(part.index, 0, index, at, part.size());
      System.arraycopy(part.labels, 0, y, at, part.size());
      f.addAll(List.of(part.features));
      at += part.size();
    }
    return new GatheredRows(index, f.toArray(new Vector[0]), y);
  }
}
