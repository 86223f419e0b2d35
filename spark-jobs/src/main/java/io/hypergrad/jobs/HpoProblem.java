package io.hypergrad.jobs;

import io.hypergrad.estimator.DirectSolution;
import io.hypergrad.estimator.EstimatorSpec;
import io.hypergrad.estimator.Estimators;
import io.hypergrad.model.InnerObjective;
import io.hypergrad.oracle.CounterSampler;
import io.hypergrad.oracle.StochasticLinearSystem;
import io.hypergrad.run.ChainRunner;

/**
 * What the {@code hpo} job's outer loop needs of a bilevel GLM problem, wherever its rows live: the
 * inner objective at the current λ, the hypergradient at an inner point, and the loss and accuracy
 * of every split. {@link DriverHpoProblem} keeps the rows in this JVM, {@link DistributedHpoProblem}
 * on the executors (one pass per full-batch quantity, one gathering pass per hypergradient).
 */
interface HpoProblem {
  int p();

  int q();

  int rowCount();

  /** driver or distributed. */
  String plan();

  /** λ now. */
  double[] lambda();

  /** Moves the problem to another λ. */
  void setLambda(double[] lambda);

  /** g(·, λ) at the current λ. */
  InnerObjective inner();

  /**
   * v = d − B·s with s ≈ A⁻¹c at x by {@code spec}: an iterative method runs one chain of
   * {@code depth} iterations on the minibatches {@code sampler} draws, cg/exact solve directly.
   */
  double[] hypergradient(double[] x, EstimatorSpec spec, CounterSampler sampler, int depth, double divergenceFactor,
      int exactMaxP);

  /** {train loss, train accuracy, val loss, val accuracy, test loss, test accuracy} at x (NaN where undefined). */
  double[] evaluate(double[] x);

  void release();

  int validationRowCount();

  /** The joint methods' oracle at the current λ. */
  io.hypergrad.bilevel.BilevelOracle jointOracle();

  /** s ≈ A⁻¹c on {@code system} by {@code spec}. */
  static double[] solve(EstimatorSpec spec, StochasticLinearSystem system, CounterSampler sampler, int depth,
      double divergenceFactor, int exactMaxP) {
    if (spec.method().isIterative()) {
      return new ChainRunner(system, new double[system.q()], divergenceFactor).solve(spec, sampler, 0, depth);
    }
    DirectSolution sol = Estimators.solveDirect(spec, system, exactMaxP);
    return sol.x();
  }

  /** v = d − B·s. */
  static double[] readOut(StochasticLinearSystem system, double[] s) {
    double[] v = system.d().clone();
    double[] bs = new double[system.q()];
    system.applyB(s, bs);
    for (int j = 0; j < v.length; j++) {
      v[j] -= bs[j];
    }
    return v;
  }

  /** Mean loss and accuracy from {Σ loss, correct} over {@code n} rows. */
  static void meanInto(double[] sums, int n, boolean classifies, double[] out, int at) {
    out[at] = n == 0 ? Double.NaN : sums[0] / n;
    out[at + 1] = n == 0 || !classifies ? Double.NaN : sums[1] / n;
  }
}
