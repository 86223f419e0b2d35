package io.hypergrad.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.estimator.DirectSolution;
import io.hypergrad.estimator.DivergenceException;
import io.hypergrad.estimator.EstimatorSpec;
import io.hypergrad.estimator.ExactSolve;
import io.hypergrad.estimator.StepSchedule;
import io.hypergrad.oracle.CounterSampler;
import io.hypergrad.synthetic.SyntheticQuadraticProblem;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DivergenceTest {

  @Test
  void tooLargeAScaleStopsAndNamesTheSafeScale() {
    // one pool member: the largest eigenvalue of A is the largest one drawn
    SyntheticQuadraticProblem sys = SyntheticQuadraticProblem.generate(20, 1, 0.01, 4);
    double lambdaMax = Arrays.stream(sys.eigenvalues(0)).max().orElseThrow();
    DirectSolution exact = ExactSolve.solve(sys, 100);
    double[] v = sys.d().clone();
    double[] bx = new double[sys.q()];
    sys.applyB(exact.x(), bx);
    for (int i = 0; i < v.length; i++) {
      v[i] -= bx[i];
    }
    ChainRunner runner = new ChainRunner(sys, v, ChainRunner.DEFAULT_DIVERGENCE_FACTOR);
    CounterSampler sampler = new CounterSampler(0, 1, 1);
    for (EstimatorSpec spec : new EstimatorSpec[] {
        EstimatorSpec.neumann(3 / lambdaMax),
        EstimatorSpec.mixedFpKm(3 / lambdaMax, 0.9, new StepSchedule.Constant(1.0))}) {
      DivergenceException e = assertThrows(DivergenceException.class, () -> runner.run(spec, sampler, 0, 5000));
      assertEquals(2 / lambdaMax, e.largestSafeScale(), 1e-6 * (2 / lambdaMax), e.getMessage());
      assertTrue(e.getMessage().contains("scale"), e.getMessage());
      assertTrue(e.getMessage().contains(String.format(java.util.Locale.ROOT, "%.4g", 2 / lambdaMax)), e.getMessage());
    }
    // just below the limit it runs
    runner.run(EstimatorSpec.neumann(1.9 / lambdaMax), sampler, 0, 5000);
  }
}
