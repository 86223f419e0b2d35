package io.hypergrad.linalg;

/** A symmetric linear map given only by its products: out ← M·v. */
@FunctionalInterface
public interface LinearOperator {
  void apply(double[] v, double[] out);
}
