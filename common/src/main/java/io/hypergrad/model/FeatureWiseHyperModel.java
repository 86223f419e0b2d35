package io.hypergrad.model;

/** A hyper-model that regularises x and leaves every row's weight at 1. */
abstract class FeatureWiseHyperModel extends HyperModelBase {
  private static final long serialVersionUID = 1L;

  FeatureWiseHyperModel(String name, double[] lambda) {
    super(name, lambda);
  }

  @Override
  public final double weight(int row) {
    return 1.0;
  }

  @Override
  public final double weightDerivative(int row) {
    return 0.0;
  }

  @Override
  public final boolean instanceWise() {
    return false;
  }

  static double positive(String name, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " must be a finite number > 0, got " + value);
    }
    return value;
  }
}
