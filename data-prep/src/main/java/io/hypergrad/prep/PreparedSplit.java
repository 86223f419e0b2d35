package io.hypergrad.prep;

import org.apache.spark.ml.linalg.Vector;

/**
 * One split after preparation.
 *
 * @param name        train, val or test
 * @param ids         each row's position in the source (0-based, in reading order), so results can be traced back
 * @param features    scaled feature vectors
 * @param labels      labels (noisy where label noise was applied)
 * @param cleanLabels the labels before noise, or null when none was applied
 * @param weights     instance weights at mean 1, or null when every row weighs 1
 */
public record PreparedSplit(String name, long[] ids, Vector[] features, double[] labels, double[] cleanLabels,
    double[] weights) {
  /** A split whose rows each weigh 1. */
  public PreparedSplit(String name, long[] ids, Vector[] features, double[] labels, double[] cleanLabels) {
    this(name, ids, features, labels, cleanLabels, null);
  }

  public int size() {
    return labels.length;
  }
}
