package io.hypergrad.prep;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;

/**
 * California Housing {@code cal_housing.data}: 20,640 comma-separated records of 9 numbers, no
 * header. The regression target is the median house value in units of 100,000 USD (as scikit-learn
 * reports it). Features are either the file's own 8 columns ({@link Features#RAW}) or the 8
 * per-household features scikit-learn derives from them ({@link Features#SKLEARN}: MedInc, HouseAge,
 * AveRooms, AveBedrms, Population, AveOccup, Latitude, Longitude), which is what papers that say
 * "California Housing, 8 features" use.
 */
public final class CaliforniaReader {
  public static final List<String> COLUMNS = List.of("longitude", "latitude", "housingMedianAge", "totalRooms",
      "totalBedrooms", "population", "households", "medianIncome", "medianHouseValue");
  public static final List<String> SKLEARN_FEATURES = List.of("MedInc", "HouseAge", "AveRooms", "AveBedrms",
      "Population", "AveOccup", "Latitude", "Longitude");

  /** Which 8 features to produce. */
  public enum Features {
    RAW, SKLEARN;

    public static Features named(String name) {
      return switch (name) {
        case "raw" -> RAW;
        case "sklearn" -> SKLEARN;
        default -> throw new IllegalArgumentException("unknown California feature set '" + name + "'; expected sklearn or raw");
      };
    }
  }

  private CaliforniaReader() {}

  public static RawDataset read(Path file, Features features) throws IOException {
    List<Vector> rows = new ArrayList<>();
    List<Double> labels = new ArrayList<>();
    try (BufferedReader in = InputFiles.reader(file)) {
      String line;
      long lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String[] fields = line.split(",", -1);
        if (fields.length != 9) {
          throw new DataFormatException(file.toString(), lineNo, null, "expected 9 comma-separated numbers, found "
              + fields.length + " fields");
        }
        double[] v = new double[9];
        for (int j = 0; j < 9; j++) {
          v[j] = Numbers.parse(fields[j].trim(), file, lineNo, COLUMNS.get(j));
        }
        if (features == Features.SKLEARN && v[6] <= 0) {
          throw new DataFormatException(file.toString(), lineNo, "households", "must be > 0 to derive per-household features, found "
              + fields[6].trim());
        }
        rows.add(Vectors.dense(features == Features.RAW ? java.util.Arrays.copyOf(v, 8)
            : new double[] {v[7], v[2], v[3] / v[6], v[4] / v[6], v[5], v[5] / v[6], v[1], v[0]}));
        labels.add(v[8] / 100_000.0);
      }
    }
    double[] y = labels.stream().mapToDouble(Double::doubleValue).toArray();
    return new RawDataset(features == Features.RAW ? COLUMNS.subList(0, 8) : SKLEARN_FEATURES,
        rows.toArray(new Vector[0]), y, Map.of(), Map.of());
  }
}
