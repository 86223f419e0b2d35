package io.hypergrad.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.estimator.ConjugateGradient;
import io.hypergrad.estimator.DirectSolution;
import io.hypergrad.estimator.ExactSolve;
import io.hypergrad.linalg.Blas;
import io.hypergrad.oracle.StochasticLinearSystem;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every model × hyper-model: the inner gradient, A·v, B·z and c against finite differences. */
class GlmBilevelProblemTest {
  private static final int N = 8;
  private static final int F = 4;

  private static List<GlmBilevelProblem> problems(boolean sparse) {
    List<GlmBilevelProblem> out = new ArrayList<>();
    for (GlmLoss loss : List.of(new LogisticLoss(), new SquaredLoss(), new SoftmaxLoss(3))) {
      int p = loss.parameterCount(F);
      LabeledRows train = TestData.rows(N, F, loss, sparse, 11);
      LabeledRows val = TestData.rows(5, F, loss, sparse, 12);
      List<HyperModel> hypers = List.of(
          new RidgeHyperModel(0.1, 1.3),
          new PerFeatureRidgeHyperModel(0.1, TestData.gaussian(p, 13, 1)),
          new ExpPerFeatureRidgeHyperModel(TestData.gaussian(p, 18, 1)),
          new BiasedRegularizationHyperModel(0.1, TestData.gaussian(p, 14, 1)),
          // identity weights must stay positive for g to be convex
          InstanceWeightHyperModel.instanceWeights(InstanceWeightHyperModel.Activation.IDENTITY, 0.1, positive(TestData.gaussian(N, 15, 0.2))),
          InstanceWeightHyperModel.instanceWeights(InstanceWeightHyperModel.Activation.SOFTPLUS, 0.1, TestData.gaussian(N, 16, 1)),
          InstanceWeightHyperModel.hyperCleaning(0.1, TestData.gaussian(N, 17, 1)));
      for (HyperModel h : hypers) {
        out.add(new GlmBilevelProblem(loss, h, train, val, 0.05, true));
      }
    }
    return out;
  }

  private static double[] positive(double[] noise) {
    double[] w = new double[noise.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = 1 + noise[i];
    }
    return w;
  }

  @Test
  void derivativesMatchFiniteDifferences() {
    for (boolean sparse : new boolean[] {false, true}) {
      for (GlmBilevelProblem prob : problems(sparse)) {
        String what = prob.loss().name() + " × " + prob.hyperModel().name() + (sparse ? " (sparse)" : "");
        int p = prob.p();
        double[] x = TestData.gaussian(p, 21, 0.5);
        double[] grad = new double[p];
        prob.innerGradient(x, grad);
        assertTrue(FiniteDifferences.relativeDifference(grad, FiniteDifferences.gradient(prob::innerLoss, x)) < 1e-8,
            what + ": ∇ₓg");
        double[] v = TestData.gaussian(p, 22, 1);
        StochasticLinearSystem sys = prob.linearSystemAt(x);
        double[] av = new double[p];
        sys.applyA(v, av);
        double[] fdAv = FiniteDifferences.directional(z -> {
          double[] g = new double[p];
          prob.innerGradient(z, g);
          return g;
        }, x, v);
        assertTrue(FiniteDifferences.relativeDifference(av, fdAv) < 1e-8, what + ": A·v");
        assertTrue(FiniteDifferences.relativeDifference(sys.c(), FiniteDifferences.gradient(prob::outerLoss, x)) < 1e-8,
            what + ": c");
        // B·z = ∂_λ (∇ₓg(x, λ)ᵀz)
        double[] z = TestData.gaussian(p, 23, 1);
        double[] bz = new double[sys.q()];
        sys.applyB(z, bz);
        double[] fdBz = FiniteDifferences.gradient(lambda -> {
          double[] g = new double[p];
          prob.withLambda(lambda).innerGradient(x, g);
          return Blas.dot(g, z);
        }, prob.hyperModel().lambda());
        assertTrue(FiniteDifferences.relativeDifference(bz, fdBz) < 1e-8, what + ": B·z");
      }
    }
  }

  @Test
  void sampledProductsAreUnbiasedAndFused() {
    for (GlmBilevelProblem prob : problems(false)) {
      int p = prob.p();
      double[] x = TestData.gaussian(p, 31, 0.5);
      StochasticLinearSystem sys = prob.linearSystemAt(x);
      double[] v = TestData.gaussian(2 * p, 32, 1);
      // the mean over every single-row sample is the full-batch product
      double[] mean = new double[2 * p];
      double[] one = new double[2 * p];
      for (int i = 0; i < N; i++) {
        sys.applySampledA(new int[] {i}, v, 2, one);
        for (int j = 0; j < 2 * p; j++) {
          mean[j] += one[j] / N;
        }
      }
      double[] full = new double[p];
      for (int m = 0; m < 2; m++) {
        sys.applyA(java.util.Arrays.copyOfRange(v, m * p, (m + 1) * p), full);
        assertTrue(FiniteDifferences.relativeDifference(java.util.Arrays.copyOfRange(mean, m * p, (m + 1) * p), full) < 1e-13,
            prob.hyperModel().name());
      }
    }
  }

  @Test
  void innerSolverIsTightAndExactAgreesWithCg() {
    for (GlmBilevelProblem prob : problems(false)) {
      String what = prob.loss().name() + " × " + prob.hyperModel().name();
      NewtonCg.Result inner = NewtonCg.solve(prob, new double[prob.p()], 1e-10, 100);
      assertTrue(inner.converged() && inner.gradNorm() <= 1e-9 * inner.startNorm(), what + ": ‖∇g‖ = " + inner.gradNorm());
      StochasticLinearSystem sys = prob.linearSystemAt(inner.x());
      DirectSolution exact = ExactSolve.solve(sys, 1000);
      DirectSolution cg = ConjugateGradient.solve(sys, 1e-13, 1000);
      double rel = Blas.distance(exact.x(), cg.x()) / Blas.norm(exact.x());
      assertTrue(rel < 1e-8, what + ": exact vs cg " + rel);
    }
  }

  @Test
  void denseHessianAndCachedReadOutMatchTheMatrixFreeProducts() {
    for (boolean sparse : new boolean[] {false, true}) {
      for (GlmBilevelProblem prob : problems(sparse)) {
        String what = prob.loss().name() + " × " + prob.hyperModel().name() + (sparse ? " (sparse)" : "");
        int p = prob.p();
        double[] x = TestData.gaussian(p, 41, 0.5);
        StochasticLinearSystem sys = prob.linearSystemAt(x);
        double[] dense = sys.denseA();
        double[] e = new double[p];
        double[] col = new double[p];
        for (int j = 0; j < p; j++) {
          e[j] = 1;
          prob.innerHessianProduct(x, null, e, 1, col);
          e[j] = 0;
          assertTrue(FiniteDifferences.relativeDifference(java.util.Arrays.copyOfRange(dense, j * p, (j + 1) * p), col) < 1e-13,
              what + ": dense A column " + j);
        }
        // the linear system's B·z (residuals cached at x, dgemm margins) against the problem's own
        double[] z = TestData.gaussian(p, 42, 1);
        double[] cached = new double[sys.q()];
        double[] direct = new double[sys.q()];
        sys.applyB(z, cached);
        prob.crossProduct(x, z, direct);
        assertTrue(FiniteDifferences.relativeDifference(cached, direct) < 1e-13, what + ": B·z");
      }
    }
  }
}
