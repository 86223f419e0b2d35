package io.hypergrad.estimator;

/** An iterative estimator blew up (NaN/Inf, or its state grew past the bound). */
public final class DivergenceException extends RuntimeException {
  private final double largestSafeScale;

  public DivergenceException(String message, double largestSafeScale) {
    super(message);
    this.largestSafeScale = largestSafeScale;
  }

  public double largestSafeScale() {
    return largestSafeScale;
  }
}
