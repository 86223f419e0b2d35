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
 */
public record GatheredRows(int[] index, Vector[] features, double[] labels) implements Serializable {

  public int size() {
    return index.length;
  }

  /** Concatenates pieces given in split order (so indices stay increasing). */
  public static GatheredRows concat(List<GatheredRows> parts) {
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
