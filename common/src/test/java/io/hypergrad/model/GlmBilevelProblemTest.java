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

/**
 * Every model × hyper-model, with and without instance weights: the inner gradient, A·v, B·z and c
 * against finite differences; weighted rows against the same rows repeated.
 */
class GlmBilevelProblemTest {
  private static final int N = 8;
  private static final int F = 4;

  private static List<GlmBilevelProblem> problems(boolean sparse) {
    List<GlmBilevelProblem> out = problems(sparse, false, false);
    out.addAll(problems(sparse, true, false));
    out.addAll(problems(sparse, false, true));
    return out;
  }

  /** Integer weights 0…3, brought to mean 1 as the data readers do. */
  private static LabeledRows weighted(LabeledRows rows, long seed) {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
    double[] c = new double[rows.size()];
    double sum = 0;
    for (int i = 0; i < c.length; i++) {
      c[i] = i == 0 ? 2 : rng.nextInt(4);
      sum += c[i];
    }
    return new LabeledRows(rows.features(), rows.labels(), InstanceWeights.scaled(c, InstanceWeights.normalizer(c.length, sum)),
        rows.featureCount());
  }

  private static List<GlmBilevelProblem> problems(boolean sparse, boolean weighted, boolean intercept) {
    List<GlmBilevelProblem> out = new ArrayList<>();
    for (GlmLoss loss : List.of(new LogisticLoss(), new SquaredLoss(), new SoftmaxLoss(3))) {
      int p = loss.parameterCount(intercept ? F + 1 : F);
      LabeledRows train = TestData.rows(N, F, loss, sparse, 11);
      LabeledRows val = TestData.rows(5, F, loss, sparse, 12);
      if (weighted) {
        train = weighted(train, 19);
        val = weighted(val, 20);
      }
      if (intercept) {
        if (loss.outputs() > 1) {
          // with a free intercept a class missing from the training rows has no finite optimum
          double[] y = train.labels().clone();
          for (int c = 0; c < loss.outputs(); c++) {
            y[c] = c;
          }
          train = new LabeledRows(train.features(), y, train.weights(), train.featureCount());
        }
        train = Intercept.augment(train);
        val = Intercept.augment(val);
      }
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
        out.add(GlmBilevelProblem.over(loss, h, io.hypergrad.rows.LocalRows.of(train), io.hypergrad.rows.LocalRows.of(val),
            0.05, true, intercept));
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
        String what = name(prob) + (sparse ? " (sparse)" : "");
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

  private static String name(GlmBilevelProblem prob) {
    boolean weighted = prob.train() instanceof io.hypergrad.rows.LocalRows l && l.block().instanceWeights() != null;
    return prob.loss().name() + " × " + prob.hyperModel().name() + (weighted ? " (weighted)" : "")
        + (prob.intercept() ? " (intercept)" : "");
  }

  @Test
  void theInterceptIsUnregularisedSoTheMeanResidualVanishesAtTheOptimum() {
    for (boolean sparse : new boolean[] {false, true}) {
      for (GlmBilevelProblem prob : problems(sparse, false, true)) {
        if (prob.hyperModel().instanceWise()) {
          continue; // row weights move the balance: Σ wᵢrᵢ = 0 instead
        }
        NewtonCg.Result inner = NewtonCg.solve(prob, new double[prob.p()], 1e-12, 100);
        io.hypergrad.rows.LocalRows rows = (io.hypergrad.rows.LocalRows) prob.train();
        int k = prob.loss().outputs();
        double[] r = new double[k];
        double[] mean = new double[k];
        double scale = 0;
        for (int i = 0; i < rows.size(); i++) {
          prob.loss().residual(rows.row(i), rows.label(i), inner.x(), r);
          for (int c = 0; c < k; c++) {
            mean[c] += r[c] / rows.size();
            scale = Math.max(scale, Math.abs(r[c]));
          }
        }
        // ∂g/∂b_c = (1/n)Σᵢ rᵢ_c with no regulariser term: the mean residual (prediction minus label) is 0
        for (int c = 0; c < k; c++) {
          assertTrue(Math.abs(mean[c]) < 1e-10 * scale, name(prob) + (sparse ? " (sparse)" : "") + ": class " + c
              + " mean residual " + mean[c]);
        }
      }
    }
  }

  /** Each row repeated by its integer weight: what a weighted row stands for. */
  private static LabeledRows repeated(LabeledRows rows, double[] counts) {
    List<org.apache.spark.ml.linalg.Vector> f = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      for (int r = 0; r < (int) counts[i]; r++) {
        f.add(rows.features()[i]);
        y.add(rows.labels()[i]);
      }
    }
    return new LabeledRows(f.toArray(org.apache.spark.ml.linalg.Vector[]::new), y.stream().mapToDouble(Double::doubleValue)
        .toArray(), rows.featureCount());
  }

  @Test
  void weightedRowsAreTheRowsRepeated() {
    for (boolean sparse : new boolean[] {false, true}) {
      for (GlmLoss loss : List.of(new LogisticLoss(), new SquaredLoss(), new SoftmaxLoss(3))) {
        int p = loss.parameterCount(F);
        LabeledRows train = TestData.rows(N, F, loss, sparse, 11);
        LabeledRows val = TestData.rows(5, F, loss, sparse, 12);
        double[] ct = {2, 0, 1, 3, 1, 2, 1, 3};
        double[] cv = {1, 3, 0, 2, 2};
        HyperModel hyper = new PerFeatureRidgeHyperModel(0.1, TestData.gaussian(p, 13, 1));
        GlmBilevelProblem w = new GlmBilevelProblem(loss, hyper,
            new LabeledRows(train.features(), train.labels(), InstanceWeights.scaled(ct, 8.0 / 13), F),
            new LabeledRows(val.features(), val.labels(), InstanceWeights.scaled(cv, 5.0 / 8), F), 0.05, true);
        GlmBilevelProblem r = new GlmBilevelProblem(loss, hyper, repeated(train, ct), repeated(val, cv), 0.05, true);
        String what = loss.name() + (sparse ? " (sparse)" : "");
        double[] x = TestData.gaussian(p, 51, 0.5);
        assertTrue(Math.abs(w.innerLoss(x) - r.innerLoss(x)) < 1e-13 * Math.abs(r.innerLoss(x)), what + ": g");
        assertTrue(Math.abs(w.outerLoss(x) - r.outerLoss(x)) < 1e-13 * Math.abs(r.outerLoss(x)), what + ": f");
        double[] gw = new double[p];
        double[] gr = new double[p];
        w.innerGradient(x, gw);
        r.innerGradient(x, gr);
        assertTrue(FiniteDifferences.relativeDifference(gw, gr) < 1e-13, what + ": ∇ₓg");
        assertTrue(FiniteDifferences.relativeDifference(w.linearSystemAt(x).denseA(), r.linearSystemAt(x).denseA()) < 1e-13,
            what + ": dense A");
        double[] vr = TestData.gaussian(p, 52, 1);
        w.innerHessianProduct(x, null, vr, 1, gw);
        r.innerHessianProduct(x, null, vr, 1, gr);
        assertTrue(FiniteDifferences.relativeDifference(gw, gr) < 1e-13, what + ": A·v");
        // the hypergradient at each problem's own optimum, by the exact solve
        double[] hw = hypergradient(w);
        double[] hr = hypergradient(r);
        assertTrue(FiniteDifferences.relativeDifference(hw, hr) < 1e-9, what + ": ∇F " + FiniteDifferences.relativeDifference(hw, hr));
        double[] accuracy = w.validationLossAndCorrect(x);
        double[] accuracyRepeated = r.validationLossAndCorrect(x);
        assertTrue(Math.abs(accuracy[0] * 8 / 5 - accuracyRepeated[0]) < 1e-12 * Math.abs(accuracyRepeated[0])
            && Math.abs(accuracy[1] * 8 / 5 - accuracyRepeated[1]) < 1e-12, what + ": validation loss and hits");
      }
    }
  }

  private static double[] hypergradient(GlmBilevelProblem prob) {
    NewtonCg.Result inner = NewtonCg.solve(prob, new double[prob.p()], 1e-12, 100);
    StochasticLinearSystem sys = prob.linearSystemAt(inner.x());
    double[] s = ExactSolve.solve(sys, 1000).x();
    double[] bs = new double[sys.q()];
    sys.applyB(s, bs);
    return bs;
  }

  @Test
  void manyVectorsAtOnceEqualTheProductsOneByOne() {
    for (boolean sparse : new boolean[] {false, true}) {
      for (GlmBilevelProblem prob : problems(sparse)) {
        int p = prob.p();
        int kv = 12; // at least RowBlock.MANY_VECTORS: the level-3 path for dense rows
        double[] x = TestData.gaussian(p, 61, 0.5);
        double[] vs = TestData.gaussian(p * kv, 62, 1);
        double[] many = new double[p * kv];
        prob.innerHessianProduct(x, null, vs, kv, many);
        double[] one = new double[p];
        for (int v = 0; v < kv; v++) {
          prob.innerHessianProduct(x, null, java.util.Arrays.copyOfRange(vs, v * p, (v + 1) * p), 1, one);
          assertTrue(FiniteDifferences.relativeDifference(java.util.Arrays.copyOfRange(many, v * p, (v + 1) * p), one)
              < 1e-13, name(prob) + (sparse ? " (sparse)" : "") + ": vector " + v);
        }
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
            name(prob));
      }
    }
  }

  @Test
  void innerSolverIsTightAndExactAgreesWithCg() {
    for (GlmBilevelProblem prob : problems(false)) {
      String what = name(prob);
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
        String what = name(prob) + (sparse ? " (sparse)" : "");
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
