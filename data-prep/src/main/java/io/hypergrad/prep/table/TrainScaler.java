package io.hypergrad.prep.table;

import io.hypergrad.prep.Scaler;
import org.apache.spark.ml.feature.MinMaxScaler;
import org.apache.spark.ml.feature.MinMaxScalerModel;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.stat.Summarizer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A {@link Scaler} fitted on the training rows by MLlib on the executors: StandardScaler for
 * {@code standard} (MLlib's sample std turned into the population std the in-memory scaler and the
 * reference use), MinMaxScaler for {@code minmax}, Summarizer's per-feature mean and variance for
 * {@code standard-global} (one mean and std over all entries). A constant feature keeps scale 1.
 */
final class TrainScaler {
  private TrainScaler() {}

  static Scaler fit(String kind, Dataset<Row> train, String column, int featureCount, long n) {
    double[] shift = new double[featureCount];
    double[] scale = new double[featureCount];
    java.util.Arrays.fill(scale, 1.0);
    if (!kind.equals("none") && n == 0) {
      throw new IllegalArgumentException("cannot fit a " + kind + " scaler on an empty training split");
    }
    switch (kind) {
      case "none" -> { }
      case "standard" -> {
        StandardScalerModel m = new StandardScaler().setInputCol(column).setWithMean(true).setWithStd(true).fit(train);
        double[] mean = m.mean().toArray();
        double[] std = m.std().toArray();
        double toPopulation = n > 1 ? Math.sqrt((n - 1.0) / n) : 0;
        for (int j = 0; j < featureCount; j++) {
          shift[j] = mean[j];
          double s = std[j] * toPopulation;
          scale[j] = s > 0 ? s : 1.0;
        }
      }
      case "minmax" -> {
        MinMaxScalerModel m = new MinMaxScaler().setInputCol(column).fit(train);
        double[] min = m.originalMin().toArray();
        double[] max = m.originalMax().toArray();
        for (int j = 0; j < featureCount; j++) {
          shift[j] = min[j];
          scale[j] = max[j] > min[j] ? max[j] - min[j] : 1.0;
        }
      }
      case "standard-global" -> {
        Row r = train.select(Summarizer.metrics("mean", "variance").summary(train.col(column)).as("s")).first()
            .getStruct(0);
        double[] mean = ((Vector) r.get(0)).toArray();
        double[] var = ((Vector) r.get(1)).toArray();
        double m = 0;
        for (double v : mean) {
          m += v;
        }
        m /= featureCount;
        // E[(x − m)²] over all entries = mean over features of (population variance + (meanⱼ − m)²)
        double sq = 0;
        for (int j = 0; j < featureCount; j++) {
          double pop = n > 1 ? var[j] * (n - 1.0) / n : 0;
          sq += pop + (mean[j] - m) * (mean[j] - m);
        }
        double std = Math.sqrt(sq / featureCount);
        java.util.Arrays.fill(shift, m);
        java.util.Arrays.fill(scale, std > 0 ? std : 1.0);
      }
      default -> throw new IllegalArgumentException("unknown scaler '" + kind
          + "'; expected none, standard, minmax or standard-global");
    }
    return new Scaler(kind, shift, scale);
  }
}
