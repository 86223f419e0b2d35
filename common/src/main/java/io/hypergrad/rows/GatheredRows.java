package io.hypergrad.rows;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;

/**
 * Rows drawn from a split, each with its index in the split: the pieces a partitioned source sends
 * back in one gathering pass.
 *
 * @param index    split indices, increasing
 * @param features the rows
 * @param labels   their labels
 * @param weights  their instance weights, or null when every row weighs 1
 */
public record GatheredRows(int[] index, Vector[] features, double[] labels, double[] weights) implements Serializable {

  public int size() {
    return index.length;
  }

  /** Concatenates pieces given in split order (so indices stay increasing). */
  public static GatheredRows concat(List<GatheredRows> parts) {
    int total = parts.stream().mapToInt(GatheredRows::size).sum();
    int[] index = new int[total];
    List<Vector> f = new ArrayList<>(total);
    double[] y = new double[total];
    boolean weighted = parts.stream().anyMatch(p -> p.weights != null);
    double[] c = weighted ? new double[total] : null;
    int at = 0;
    for (GatheredRows part : parts) {
      System.arraycopy(part.index, 0, index, at, part.size());
      System.arraycopy(part.labels, 0, y, at, part.size());
      if (weighted) {
        if (part.weights != null) {
          System.arraycopy(part.weights, 0, c, at, part.size());
        } else {
          java.util.Arrays.fill(c, at, at + part.size(), 1.0);
        }
      }
      f.addAll(List.of(part.features));
      at += part.size();
    }
    return new GatheredRows(index, f.toArray(new Vector[0]), y, c);
  }
}
