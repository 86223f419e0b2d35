package io.hypergrad.model;

import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;

/** Small random datasets for the derivative tests: dense rows, or sparse rows with about a third non-zero. */
final class TestData {
  private TestData() {}

  static LabeledRows rows(int n, int f, GlmLoss loss, boolean sparse, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Vector[] x = new Vector[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double[] v = new double[f];
      for (int j = 0; j < f; j++) {
        v[j] = sparse && rng.nextDouble() < 0.66 ? 0 : rng.nextGaussian();
      }
      x[i] = sparse ? Vectors.dense(v).toSparse() : Vectors.dense(v);
      y[i] = switch (loss.name()) {
        case "logistic" -> rng.nextBoolean() ? 1 : 0;
        case "softmax" -> rng.nextInt(((SoftmaxLoss) loss).classes());
        default -> rng.nextGaussian();
      };
    }
    return new LabeledRows(x, y, f);
  }

  static double[] gaussian(int n, long seed, double scale) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = scale * rng.nextGaussian();
    }
    return v;
  }
}
