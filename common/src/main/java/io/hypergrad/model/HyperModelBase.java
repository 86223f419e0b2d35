package io.hypergrad.model;

/** What every hyper-model holds the same way: its config name and λ (moving λ makes a new model). */
abstract class HyperModelBase implements HyperModel {
  private static final long serialVersionUID = 1L;

  private final String name;
  protected final double[] lambda;

  HyperModelBase(String name, double[] lambda) {
    this.name = name;
    this.lambda = lambda.clone();
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final int q() {
    return lambda.length;
  }

  @Override
  public final double[] lambda() {
    return lambda.clone();
  }

  @Override
  public final HyperModel withLambda(double[] next) {
    HyperModel.requireLength(next, q());
    return at(next);
  }

  /** The same model at λ (of length q). */
  protected abstract HyperModel at(double[] lambda);
}
