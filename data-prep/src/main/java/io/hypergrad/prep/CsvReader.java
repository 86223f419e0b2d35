package io.hypergrad.prep;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;

/**
 * A generic delimited file: a header line naming the columns, then one record per line, every
 * field numeric. The label is the column named {@code labelColumn}; every other column is a
 * feature, in file order. Quoting is not supported (a quoted field is reported as malformed).
 */
public final class CsvReader {
  private CsvReader() {}

  public static RawDataset read(Path file, String labelColumn, char separator) throws IOException {
    String sep = java.util.regex.Pattern.quote(String.valueOf(separator));
    try (BufferedReader in = InputFiles.reader(file)) {
      String header = in.readLine();
      if (header == null) {
        throw new DataFormatException(file.toString(), 1, null, "empty file; expected a header line");
      }
      // a byte-order mark (Excel writes one) is not part of the first column's name
      if (header.startsWith("\uFEFF")) {
        header = header.substring(1);
      }
      String[] names = header.split(sep, -1);
      for (int j = 0; j < names.length; j++) {
        names[j] = names[j].trim();
      }
      int labelAt = Arrays.asList(names).indexOf(labelColumn);
      if (labelAt < 0) {
        throw new DataFormatException(file.toString(), 1, labelColumn, "no such column in the header " + Arrays.toString(names));
      }
      List<String> featureNames = new ArrayList<>(Arrays.asList(names));
      featureNames.remove(labelAt);
      List<Vector> rows = new ArrayList<>();
      List<Double> labels = new ArrayList<>();
      String line;
      long lineNo = 1;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String[] fields = line.split(sep, -1);
        if (fields.length != names.length) {
          throw new DataFormatException(file.toString(), lineNo, null, "expected " + names.length + " fields as in the header, found "
              + fields.length);
        }
        double[] v = new double[names.length - 1];
        for (int j = 0, k = 0; j < names.length; j++) {
          double x = Numbers.parse(fields[j].trim(), file, lineNo, names[j]);
          if (j == labelAt) {
            labels.add(x);
          } else {
            v[k++] = x;
          }
        }
        rows.add(Vectors.dense(v));
      }
      return new RawDataset(featureNames, rows.toArray(new Vector[0]), labels.stream().mapToDouble(Double::doubleValue).toArray(),
          Map.of(), Map.of());
    }
  }
}
