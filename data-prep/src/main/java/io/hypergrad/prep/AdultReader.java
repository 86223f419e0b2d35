package io.hypergrad.prep;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;

/**
 * UCI Adult ({@code adult.data}, {@code adult.test}): 14 features separated by ", ", the label
 * {@code >50K} (1) or {@code <=50K} (0), with a trailing period in the test file, whose first line
 * ({@code |1x3 Cross validator}) is not a record. Rows with a missing value ({@code ?}) are dropped
 * and counted; categorical features are label-encoded in sorted order of the categories seen in all
 * the files read together, so train and test share one encoding.
 */
public final class AdultReader {
  public static final List<String> FEATURES = List.of("age", "workclass", "fnlwgt", "education", "education-num",
      "marital-status", "occupation", "relationship", "race", "sex", "capital-gain", "capital-loss", "hours-per-week",
      "native-country");
  private static final boolean[] CATEGORICAL = {false, true, false, true, false, true, true, true, true, true, false,
      false, false, true};

  private AdultReader() {}

  /** Reads the files in order (each gzip or plain) into one dataset. */
  public static RawDataset read(List<Path> files) throws IOException {
    List<String[]> records = new ArrayList<>();
    List<Double> labels = new ArrayList<>();
    long missing = 0;
    for (Path file : files) {
      try (BufferedReader in = InputFiles.reader(file)) {
        String line;
        long lineNo = 0;
        while ((line = in.readLine()) != null) {
          lineNo++;
          if (line.isBlank() || line.startsWith("|")) {
            continue;
          }
          String[] fields = line.split(",", -1);
          if (fields.length != 15) {
            throw new DataFormatException(file.toString(), lineNo, null,
                "expected 15 comma-separated fields (14 features and the label), found " + fields.length);
          }
          for (int j = 0; j < 15; j++) {
            fields[j] = fields[j].trim();
          }
          labels.add(label(fields[14], file, lineNo));
          boolean hasMissing = false;
          for (int j = 0; j < 14; j++) {
            if (fields[j].equals("?")) {
              hasMissing = true;
            } else if (!CATEGORICAL[j]) {
              Numbers.parse(fields[j], file, lineNo, FEATURES.get(j));
            } else if (fields[j].isEmpty()) {
              throw new DataFormatException(file.toString(), lineNo, FEATURES.get(j), "empty category");
            }
          }
          if (hasMissing) {
            missing++;
            labels.remove(labels.size() - 1);
          } else {
            records.add(fields);
          }
        }
      }
    }
    Map<String, List<String>> encodings = new LinkedHashMap<>();
    List<Map<String, Integer>> codes = new ArrayList<>();
    for (int j = 0; j < 14; j++) {
      if (!CATEGORICAL[j]) {
        codes.add(null);
        continue;
      }
      TreeSet<String> categories = new TreeSet<>();
      for (String[] r : records) {
        categories.add(r[j]);
      }
      List<String> ordered = new ArrayList<>(categories);
      Map<String, Integer> code = new LinkedHashMap<>();
      for (int k = 0; k < ordered.size(); k++) {
        code.put(ordered.get(k), k);
      }
      encodings.put(FEATURES.get(j), ordered);
      codes.add(code);
    }
    Vector[] features = new Vector[records.size()];
    double[] y = new double[records.size()];
    for (int i = 0; i < records.size(); i++) {
      String[] r = records.get(i);
      double[] v = new double[14];
      for (int j = 0; j < 14; j++) {
        v[j] = CATEGORICAL[j] ? codes.get(j).get(r[j]) : Double.parseDouble(r[j]);
      }
      features[i] = Vectors.dense(v);
      y[i] = labels.get(i);
    }
    Map<String, Long> dropped = new LinkedHashMap<>();
    dropped.put("missing value (?)", missing);
    return new RawDataset(FEATURES, features, y, dropped, encodings);
  }

  private static double label(String field, Path file, long line) {
    return switch (field) {
      case ">50K", ">50K." -> 1.0;
      case "<=50K", "<=50K." -> 0.0;
      default -> throw new DataFormatException(file.toString(), line, "income", "expected >50K or <=50K, found '" + field + "'");
    };
  }
}
