package io.hypergrad.estimator;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.linalg.Blas;
import io.hypergrad.oracle.CounterSampler;
import io.hypergrad.run.ChainRunner;
import io.hypergrad.run.ErrorSummary;
import io.hypergrad.testing.CommutingPoolSystem;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every estimator against the closed-form v* of a problem whose spectrum is known. */
class EstimatorConvergenceTest {

  private static double relativeError(CommutingPoolSystem sys, double[] x) {
    double[] v = sys.d().clone();
    double[] bx = new double[sys.q()];
    sys.applyB(x, bx);
    Blas.axpy(-1, bx, v);
    double[] truth = sys.trueHypergradient();
    return Blas.distance(v, truth) / Blas.norm(truth);
  }

  @Test
  void directSolversMatchTheClosedForm() {
    CommutingPoolSystem sys = new CommutingPoolSystem(12, 7, 20, 0.2, 0.9, 1);
    DirectSolution exact = ExactSolve.solve(sys, 100);
    DirectSolution cg = ConjugateGradient.solve(sys, 1e-13, 1000);
    assertTrue(relativeError(sys, exact.x()) < 1e-13, "exact: " + relativeError(sys, exact.x()));
    assertTrue(cg.converged() && relativeError(sys, cg.x()) < 1e-12, "cg: " + relativeError(sys, cg.x()));
    // a 12×12 system: cg needs at most 12 steps in exact arithmetic, a few more in floating point
    assertTrue(cg.iterations() <= 20, "cg took " + cg.iterations());
  }

  @Test
  void exactRefusesLargeProblems() {
    CommutingPoolSystem sys = new CommutingPoolSystem(12, 7, 2, 0.2, 0.9, 1);
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> ExactSolve.solve(sys, 10));
    assertTrue(e.getMessage().contains("cg"), e.getMessage());
  }

  /** With a pool of one matrix every sample equals A, so every iterative method must converge to v*. */
  @Test
  void everyIterativeEstimatorConvergesOnANoiselessProblem() {
    CommutingPoolSystem sys = new CommutingPoolSystem(12, 7, 1, 0.4, 0.9, 2);
    CounterSampler sampler = new CounterSampler(0, 1, 1);
    // contraction factors: 1 − s·λ_min = 0.6 (plain), 1 − 0.5·0.4 = 0.8 (relaxed), max(α, 0.6) (mixed)
    List<EstimatorSpec> specs = List.of(
        EstimatorSpec.neumann(1),
        EstimatorSpec.unroll(1),
        EstimatorSpec.sid(1, new StepSchedule.Constant(0.5)),
        EstimatorSpec.mixedFp(1, 0.5),
        EstimatorSpec.mixedFpKm(1, 0.5, new StepSchedule.Constant(0.5)));
    for (EstimatorSpec spec : specs) {
      StochasticEstimator est = Estimators.create(spec, sys);
      int[] rows = sampler.newRowBuffer();
      for (int t = 0; t < 400; t++) {
        sampler.rows(0, t, rows);
        est.step(t, rows);
      }
      double[] x = new double[sys.p()];
      est.adjoint(x);
      double err = relativeError(sys, x);
      assertTrue(err < 1e-12, spec.label() + ": relative error " + err);
    }
  }

  /**
   * On a noisy pool the relaxed methods with a decreasing schedule keep converging (MSE ~ 1/t), while
   * their constant-step relatives stall at a noise floor.
   */
  @Test
  void decreasingSchedulesKeepConvergingUnderNoise() {
    CommutingPoolSystem sys = new CommutingPoolSystem(12, 7, 50, 0.1, 1.2, 3);
    double[] truth = sys.trueHypergradient();
    ChainRunner runner = new ChainRunner(sys, truth, ChainRunner.DEFAULT_DIVERGENCE_FACTOR);
    CounterSampler sampler = new CounterSampler(11, sys.rowCount(), 1);
    int seeds = 20;
    int iterations = 20_000;
    for (EstimatorSpec spec : List.of(
        EstimatorSpec.sid(1, new StepSchedule.Linear(10, 100)),
        EstimatorSpec.mixedFpKm(1, 0.8, new StepSchedule.Linear(10, 100)))) {
      double[][] errors = new double[seeds][];
      for (int s = 0; s < seeds; s++) {
        errors[s] = runner.run(spec, sampler, s, iterations).errors();
      }
      ErrorSummary sum = ErrorSummary.of(errors);
      double atTenth = sum.mean()[iterations / 10];
      double initial = sum.mean()[0];
      assertTrue(sum.finalMean() < 0.02 * initial, spec.label() + ": final " + sum.finalMean() + " vs initial " + initial);
      // MSE ∝ 1/t predicts a √10 ≈ 3.2× drop from T/10 to T; demand 2×
      assertTrue(sum.finalMean() < atTenth / 2, spec.label() + ": " + atTenth + " at T/10, " + sum.finalMean() + " at T");
    }
    double[][] plain = new double[seeds][];
    for (int s = 0; s < seeds; s++) {
      plain[s] = runner.run(EstimatorSpec.neumann(1), sampler, s, iterations).errors();
    }
    ErrorSummary neumann = ErrorSummary.of(plain);
    // StocFP's floor: no real progress from T/10 to T
    assertTrue(neumann.finalMean() > 0.5 * neumann.mean()[iterations / 10], "neumann should plateau: " + neumann.finalMean());
  }
}
