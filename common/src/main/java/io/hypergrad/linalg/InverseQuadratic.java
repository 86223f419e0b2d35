package io.hypergrad.linalg;

/**
 * gᵀA⁻¹g for a symmetric positive definite A, exactly ({@link DenseCholesky}) or approximately
 * ({@link LowRankInverse}); serializable, so one is broadcast to every executor.
 */
public interface InverseQuadratic extends java.io.Serializable {

  /** A's dimension. */
  int size();

  /** gᵀA⁻¹g; g is not modified. */
  double inverseQuadraticForm(double[] g);

  /** What {@link #of} needs to rebuild it: its kind. */
  String kind();

  /** … and its numbers. */
  double[] storage();

  /** One saved by {@link #kind} and {@link #storage}, of dimension p. */
  static InverseQuadratic of(String kind, double[] storage, int p) {
    return switch (kind) {
      case DenseCholesky.KIND -> DenseCholesky.ofStorage(storage, p);
      case LowRankInverse.KIND -> LowRankInverse.ofStorage(storage, p);
      default -> throw new IllegalArgumentException("unknown kind of inverse '" + kind + "'; expected "
          + DenseCholesky.KIND + " or " + LowRankInverse.KIND);
    };
  }
}
