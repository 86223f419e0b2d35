package io.hypergrad.model;

import org.apache.spark.ml.linalg.Vector;

/**
 * Rows of a split held in memory: features (dense or sparse, all of one length), labels and,
 * optionally, fixed instance weights.
 *
 * @param features     one vector per row
 * @param labels       one label per row
 * @param weights      each row's fixed instance weight cᵢ (finite, ≥ 0), or null when every row weighs 1
 * @param featureCount F, the length of every feature vector
 */
public record LabeledRows(Vector[] features, double[] labels, double[] weights, int featureCount)
    implements java.io.Serializable {
  public LabeledRows {
    if (features.length != labels.length) {
      throw new IllegalArgumentException(features.length + " feature rows but " + labels.length + " labels");
    }
    for (int i = 0; i < features.length; i++) {
      if (features[i].size() != featureCount) {
        throw new IllegalArgumentException("row " + i + " has " + features[i].size() + " features, expected " + featureCount);
      }
    }
    InstanceWeights.check(weights, labels.length);
  }

  /** Rows that each weigh 1. */
  public LabeledRows(Vector[] features, double[] labels, int featureCount) {
    this(features, labels, null, featureCount);
  }

  public int size() {
    return labels.length;
  }
}
