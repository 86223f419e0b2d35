package io.hypergrad.bilevel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.model.ExpPerFeatureRidgeHyperModel;
import io.hypergrad.model.GlmBilevelProblem;
import io.hypergrad.model.LabeledRows;
import io.hypergrad.model.NewtonCg;
import io.hypergrad.model.SquaredLoss;
import io.hypergrad.oracle.CounterSampler;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every joint method on a small quadratic bilevel problem whose optimum λ* is known by
 * construction: ridge regression with per-feature strengths exp(λⱼ) on well-specified Gaussian
 * data (so that the empirical Fisher NHGD uses is a consistent Hessian surrogate), and a
 * noise-free validation set whose targets are those of x*(λ*), so f(x*(λ*)) = 0 is the global
 * minimum and λ* the unique optimum (3 features, 60 validation rows of full rank).
 */
class JointMethodsConvergenceTest {
  static final int F = 3;
  static final double[] LAMBDA_STAR = {0.5, -0.3, 1.0};

  static GlmBilevelProblem problem() {
    SplittableRandom rng = new SplittableRandom(42);
    double[] x0 = {1.0, -2.0, 0.5};
    int n = 400;
    Vector[] a = new Vector[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double[] r = new double[F];
      double m = 0;
      for (int j = 0; j < F; j++) {
        r[j] = gaussian(rng);
        m += r[j] * x0[j];
      }
      a[i] = Vectors.dense(r);
      // noise variance ½: the Fisher of (aᵀx − y)² equals its Hessian 2aaᵀ at the truth
      y[i] = m + Math.sqrt(0.5) * gaussian(rng);
    }
    LabeledRows train = new LabeledRows(a, y, F);
    GlmBilevelProblem atStar = new GlmBilevelProblem(new SquaredLoss(), new ExpPerFeatureRidgeHyperModel(LAMBDA_STAR), train,
        new LabeledRows(new Vector[0], new double[0], F), 0, false);
    double[] xStar = NewtonCg.solve(atStar, new double[F], 1e-14, 50).x();
    int nVal = 60;
    Vector[] b = new Vector[nVal];
    double[] z = new double[nVal];
    for (int i = 0; i < nVal; i++) {
      double[] r = new double[F];
      double m = 0;
      for (int j = 0; j < F; j++) {
        r[j] = gaussian(rng);
        m += r[j] * xStar[j];
      }
      b[i] = Vectors.dense(r);
      z[i] = m;
    }
    return new GlmBilevelProblem(new SquaredLoss(), new ExpPerFeatureRidgeHyperModel(new double[F]), train,
        new LabeledRows(b, z, F), 0, false);
  }

  static double gaussian(SplittableRandom rng) {
    return Math.sqrt(-2 * Math.log1p(-rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
  }

  static JointMethod run(String method, int steps, int batch) {
    GlmBilevelOracle oracle = new GlmBilevelOracle(problem());
    // steps picked per method on this problem (a deterministic method keeps its outer step constant)
    JointSettings s = switch (method) {
      case "nbo-gd" -> new JointSettings(0.2, 1.0, 1, 0.99, batch, 1, 50);
      case "soba" -> new JointSettings(0.1, 0.2, 1, 0.99, batch, 1, 50);
      default -> new JointSettings(0.1, 0.05, 1, 0.99, batch, 1, 50);
    };
    JointMethod m = JointMethod.named(method, oracle, new double[F], new double[F], s);
    CounterSampler inner = new CounterSampler(7, oracle.trainRows(), batch);
    CounterSampler outer = new CounterSampler(8, oracle.validationRows(), batch);
    int[] i1 = inner.newRowBuffer();
    int[] i2 = inner.newRowBuffer();
    int[] o = outer.newRowBuffer();
    for (int t = 0; t < steps; t++) {
      inner.rows(0, t, i1);
      inner.rows(1, t, i2);
      outer.rows(0, t, o);
      m.step(t, i1, i2, o);
    }
    return m;
  }

  static double distance(double[] a, double[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      s += (a[j] - b[j]) * (a[j] - b[j]);
    }
    return Math.sqrt(s);
  }

  @ParameterizedTest
  @ValueSource(strings = {"soba", "nbo-gd", "nsbo-sgd", "nhgd"})
  void convergesToTheKnownOptimum(String method) {
    JointMethod m = run(method, 20_000, 16);
    double err = distance(m.lambda(), LAMBDA_STAR);
    double start = distance(new double[F], LAMBDA_STAR);
    System.out.printf("%s: ‖λ − λ*‖ = %.4f (from %.4f), λ = %s%n", method, err, start, java.util.Arrays.toString(m.lambda()));
    assertTrue(err <= 0.05 * start, method + ": ‖λ − λ*‖ = " + err + " from " + start);
  }

  @ParameterizedTest
  @ValueSource(strings = {"soba", "nsbo-sgd", "nhgd"})
  void aRestoredStateContinuesBitForBit(String method) {
    GlmBilevelOracle oracle = new GlmBilevelOracle(problem());
    JointSettings s = new JointSettings(0.1, 0.05, 1, 0.99, 4, 1, 7);
    JointMethod whole = JointMethod.named(method, oracle, new double[F], new double[F], s);
    JointMethod first = JointMethod.named(method, new GlmBilevelOracle(problem()), new double[F], new double[F], s);
    CounterSampler sampler = new CounterSampler(3, oracle.trainRows(), 4);
    int[] a = sampler.newRowBuffer();
    int[] b = sampler.newRowBuffer();
    int[] c = new int[4];
    for (int t = 0; t < 40; t++) {
      sampler.rows(0, t, a);
      sampler.rows(1, t, b);
      for (int k = 0; k < 4; k++) {
        c[k] = a[k] % oracle.validationRows();
      }
      whole.step(t, a, b, c);
      if (t < 20) {
        first.step(t, a, b, c);
      }
      if (t == 19) {
        Map<String, double[]> state = first.state();
        first = JointMethod.named(method, new GlmBilevelOracle(problem()), new double[F], new double[F], s);
        first.restore(state);
      } else if (t >= 20) {
        first.step(t, a, b, c);
      }
    }
    double[] x = whole.lambda();
    double[] y = first.lambda();
    for (int j = 0; j < F; j++) {
      assertEquals(Double.doubleToLongBits(x[j]), Double.doubleToLongBits(y[j]), method + " λ[" + j + "]");
    }
  }
}
