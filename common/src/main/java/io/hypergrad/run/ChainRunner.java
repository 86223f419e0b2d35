package io.hypergrad.run;

import io.hypergrad.estimator.CurvatureEstimate;
import io.hypergrad.estimator.DivergenceException;
import io.hypergrad.estimator.EstimatorSpec;
import io.hypergrad.estimator.Estimators;
import io.hypergrad.estimator.StochasticEstimator;
import io.hypergrad.linalg.Blas;
import io.hypergrad.oracle.CounterSampler;
import io.hypergrad.oracle.StochasticLinearSystem;
import java.util.Locale;

/**
 * Runs chains of iterative estimators against a reference v*, recording ‖v_t − v*‖ after every
 * iteration (or every k-th, when the read-out B·z costs more than a step) and stopping with a {@link DivergenceException} when the state blows up. Thread-safe:
 * every chain has its own buffers.
 */
public final class ChainRunner {
  /**
   * A state norm above factor·‖c‖/scale counts as divergence: the fixed point has norm
   * ‖(sA)⁻¹c‖ ≤ ‖c‖/(s·λ_min), so only a problem with λ_min below 1/factor could reach it legitimately.
   */
  public static final double DEFAULT_DIVERGENCE_FACTOR = 1e8;

  private final StochasticLinearSystem system;
  private final double[] offset;
  private final double divergenceFactor;
  private final double cNorm;

  /**
   * @param system the problem
   * @param vStar  the reference hypergradient the errors are measured against
   */
  public ChainRunner(StochasticLinearSystem system, double[] vStar, double divergenceFactor) {
    if (vStar.length != system.q()) {
      throw new IllegalArgumentException("reference has length " + vStar.length + ", q is " + system.q());
    }
    this.system = system;
    this.divergenceFactor = divergenceFactor;
    this.cNorm = Math.max(Blas.norm(system.c()), Double.MIN_NORMAL);
    // v_t − v* = (d − v*) − B·x_t
    double[] d = system.d();
    this.offset = new double[d.length];
    for (int j = 0; j < d.length; j++) {
      offset[j] = d[j] - vStar[j];
    }
  }

  /** Runs {@code iterations} steps of the chain {@code chain} of {@code sampler}'s seed. */
  public ChainResult run(EstimatorSpec spec, CounterSampler sampler, int chain, int iterations) {
    return run(spec, sampler, chain, iterations, 1);
  }

  /**
   * Runs {@code iterations} steps, recording the error at t = 0, k, 2k, … and at T; the result has
   * ⌈T/k⌉ + 1 points.
   */
  public ChainResult run(EstimatorSpec spec, CounterSampler sampler, int chain, int iterations, int every) {
    if (every < 1) {
      throw new IllegalArgumentException("the recording stride must be ≥ 1, got " + every);
    }
    long start = System.nanoTime();
    StochasticEstimator estimator = Estimators.create(spec, system);
    int[] rows = sampler.newRowBuffer();
    double[] x = new double[system.p()];
    double[] bx = new double[system.q()];
    double[] errors = new double[(iterations + every - 1) / every + 1];
    double bound = bound(spec);
    errors[0] = error(estimator, x, bx);
    for (int t = 0; t < iterations; t++) {
      advance(estimator, spec, sampler, chain, t, rows, bound);
      if ((t + 1) % every == 0 || t + 1 == iterations) {
        errors[(t + every) / every] = error(estimator, x, bx);
      }
    }
    double[] estimate = system.d().clone();
    Blas.axpy(-1.0, bx, estimate);
    return new ChainResult(errors, estimate, (System.nanoTime() - start) / 1e9);
  }

  /**
   * Runs {@code iterations} steps of chain {@code chain} with the same divergence watch and returns
   * the final x ≈ A⁻¹c itself (for jobs that use the solution, not its error).
   */
  public double[] solve(EstimatorSpec spec, CounterSampler sampler, int chain, int iterations) {
    StochasticEstimator estimator = Estimators.create(spec, system);
    int[] rows = sampler.newRowBuffer();
    double bound = bound(spec);
    for (int t = 0; t < iterations; t++) {
      advance(estimator, spec, sampler, chain, t, rows, bound);
    }
    double[] x = new double[system.p()];
    estimator.adjoint(x);
    return x;
  }

  /** The state-norm bound above which {@code spec}'s chain counts as diverged. */
  private double bound(EstimatorSpec spec) {
    return divergenceFactor * cNorm / spec.scale();
  }

  /** Iteration t of a chain: draw its minibatch, step, and stop with the curvature report if the state blew up. */
  private void advance(StochasticEstimator estimator, EstimatorSpec spec, CounterSampler sampler, int chain, int t, int[] rows,
      double bound) {
    sampler.rows(chain, t, rows);
    estimator.step(t, rows);
    double norm = estimator.stateNorm();
    if (!(norm <= bound)) {
      throw divergence(spec, sampler, chain, t, norm, bound);
    }
  }

  private double error(StochasticEstimator estimator, double[] x, double[] bx) {
    estimator.adjoint(x);
    system.applyB(x, bx);
    double s = 0;
    for (int j = 0; j < bx.length; j++) {
      double e = offset[j] - bx[j];
      s += e * e;
    }
    return Math.sqrt(s);
  }

  private DivergenceException divergence(EstimatorSpec spec, CounterSampler sampler, int chain, int t, double norm,
      double bound) {
    int batch = sampler.batch();
    CurvatureEstimate curvature = CurvatureEstimate.of(system, sampler, chain, t);
    double safe = curvature.largestSafeScale();
    String message = String.format(Locale.ROOT,
        "%s diverged at iteration %d (state norm %.3g, bound %.3g): scale %s is too large. Estimated largest "
            + "eigenvalue of A is %.4g (of a sampled A_t with batch %d: %.4g), so scale must stay below %.4g; "
            + "try scale ≤ %.4g",
        spec.label(), t, norm, bound, EstimatorSpec.compact(spec.scale()), curvature.fullBatch(), batch,
        curvature.sampled(), safe, safe / 2);
    return new DivergenceException(message, safe);
  }
}
