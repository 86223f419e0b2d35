package io.hypergrad.prep;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;

/**
 * LIBSVM sparse text: {@code label idx:value ...} with 1-based, strictly increasing indices. Labels
 * are numbers ({@code -1}, {@code -1.0} and {@code 1}, {@code +1} alike); binary labels ±1 are mapped
 * to 0/1 when {@code binaryToZeroOne}. Rows become sparse vectors of {@code numFeatures} (or of the
 * largest index seen, when numFeatures ≤ 0).
 */
public final class LibsvmReader {
  /**
   * The largest feature index read: a model over more features than this (8 bytes a coefficient,
   * several vectors of them) does not fit a JVM, so such an index is a data error found while
   * reading, not an OutOfMemoryError after it.
   */
  public static final int MAX_FEATURES = 1 << 26;

  private LibsvmReader() {}

  public static RawDataset read(Path file, int numFeatures, boolean binaryToZeroOne) throws IOException {
    List<int[]> indices = new ArrayList<>();
    List<double[]> values = new ArrayList<>();
    List<Double> labels = new ArrayList<>();
    int maxIndex = 0;
    try (BufferedReader in = InputFiles.reader(file)) {
      String line;
      long lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        String trimmed = line.trim();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        String[] tokens = trimmed.split("\\s+");
        double label;
        try {
          label = Double.parseDouble(tokens[0]);
        } catch (NumberFormatException e) {
          throw new DataFormatException(file.toString(), lineNo, "label", "expected a number, found '" + tokens[0] + "'");
        }
        if (binaryToZeroOne) {
          if (label == -1 || label == 0) {
            label = 0;
          } else if (label != 1) {
            throw new DataFormatException(file.toString(), lineNo, "label", "expected a binary label (-1/0 or 1), found '" + tokens[0] + "'");
          }
        }
        int[] idx = new int[tokens.length - 1];
        double[] val = new double[tokens.length - 1];
        int previous = 0;
        for (int t = 1; t < tokens.length; t++) {
          int colon = tokens[t].indexOf(':');
          String field = "token " + (t + 1);
          if (colon <= 0) {
            throw new DataFormatException(file.toString(), lineNo, field, "expected index:value, found '" + tokens[t] + "'");
          }
          int index;
          double value;
          try {
            index = Integer.parseInt(tokens[t].substring(0, colon));
            value = Double.parseDouble(tokens[t].substring(colon + 1));
          } catch (NumberFormatException e) {
            throw new DataFormatException(file.toString(), lineNo, field, "expected index:value, found '" + tokens[t] + "'");
          }
          if (index <= previous) {
            throw new DataFormatException(file.toString(), lineNo, field, "indices must be 1-based and increasing, found "
                + index + " after " + previous);
          }
          if (numFeatures > 0 && index > numFeatures) {
            throw new DataFormatException(file.toString(), lineNo, field, "index " + index + " exceeds the " + numFeatures + " features");
          }
          if (index > MAX_FEATURES) {
            throw new DataFormatException(file.toString(), lineNo, field, "index " + index + " is above the largest "
                + "supported, " + MAX_FEATURES + " (2^26 features: a model of that many coefficients alone takes 512 MB); "
                + "hash the features into fewer columns");
          }
          if (!Double.isFinite(value)) {
            throw new DataFormatException(file.toString(), lineNo, field, "value is not finite: '" + tokens[t] + "'");
          }
          previous = index;
          idx[t - 1] = index - 1;
          val[t - 1] = value;
        }
        maxIndex = Math.max(maxIndex, previous);
        indices.add(idx);
        values.add(val);
        labels.add(label);
      }
    }
    int f = numFeatures > 0 ? numFeatures : maxIndex;
    Vector[] features = new Vector[labels.size()];
    double[] y = new double[labels.size()];
    for (int i = 0; i < y.length; i++) {
      features[i] = Vectors.sparse(f, indices.get(i), values.get(i));
      y[i] = labels.get(i);
    }
    List<String> names = new ArrayList<>();
    for (int j = 1; j <= f; j++) {
      names.add("f" + j);
    }
    Map<String, Long> dropped = new LinkedHashMap<>();
    return new RawDataset(names, features, y, dropped, Map.of());
  }
}
