package io.hypergrad.estimator;

import io.hypergrad.oracle.StochasticLinearSystem;

/** Builds the estimator a spec names. */
public final class Estimators {
  private Estimators() {}

  /** A fresh stochastic estimator for an iterative method. */
  public static StochasticEstimator create(EstimatorSpec spec, StochasticLinearSystem system) {
    return switch (spec.method()) {
      case NEUMANN -> new NeumannSeries(system, spec.scale());
      case UNROLL -> new UnrolledRecursion(system, spec.scale());
      case SID -> new StochasticImplicitDifferentiation(system, spec.scale(), spec.schedule());
      case MIXED_FP -> new MixedFixedPoint(system, spec.scale(), spec.alpha());
      case MIXED_FP_KM -> new MixedFixedPointKm(system, spec.scale(), spec.alpha(), spec.schedule());
      case CG, EXACT -> throw new IllegalArgumentException(spec.method() + " is a deterministic solver, not a stochastic estimator");
    };
  }

  /** Solves A x = c deterministically for cg or exact. */
  public static DirectSolution solveDirect(EstimatorSpec spec, StochasticLinearSystem system, int exactMaxP) {
    return switch (spec.method()) {
      case CG -> ConjugateGradient.solve(system, spec.tol(), spec.maxIter());
      case EXACT -> ExactSolve.solve(system, exactMaxP);
      default -> throw new IllegalArgumentException(spec.method() + " is a stochastic estimator, not a deterministic solver");
    };
  }
}
