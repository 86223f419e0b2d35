package io.hypergrad.prep;

import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vector;

/**
 * Rows as read from a raw file, before scaling and splitting.
 *
 * @param featureNames one name per feature
 * @param features     one vector per kept row (dense or sparse)
 * @param labels       one label per kept row
 * @param dropped      rows left out, and why (e.g. "missing value" → 2399)
 * @param encodings    for label-encoded categorical features: feature → its categories in code order
 */
public record RawDataset(List<String> featureNames, Vector[] features, double[] labels, Map<String, Long> dropped,
    Map<String, List<String>> encodings) {

  public int size() {
    return labels.length;
  }
}
