package io.hypergrad.hpo;

import io.hypergrad.estimator.DivergenceException;
import io.hypergrad.linalg.Blas;
import io.hypergrad.model.InnerObjective;
import io.hypergrad.model.NewtonCg;
import io.hypergrad.optim.Optimizer;
import io.hypergrad.oracle.CounterSampler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The estimator path of {@code hpo}: per outer step the hypergradient at the current inner point by
 * the configured estimator, an SGD or Adam step on λ, then the inner model re-trained warm-started
 * (its optimiser state carried over).
 */
final class HypergradientDescent implements OuterMethod {
  private final HpoSettings s;
  private final HpoProblem problem;
  private final Optimizer inner;
  private final Optimizer outer;
  private double[] x;
  private double[] lambda;
  private double[] lastHypergradient;

  HypergradientDescent(HpoSettings s, HpoProblem problem) {
    this.s = s;
    this.problem = problem;
    this.inner = Optimizer.named(s.innerSolver().equals("newton-cg") ? "sgd" : s.innerSolver(), problem.p(), s.innerLr());
    this.outer = Optimizer.named(s.outerOptimizer(), problem.q(), s.outerLr());
    this.x = new double[problem.p()];
    this.lambda = problem.lambda();
  }

  @Override
  public Progress start() {
    // the clock and the row count start with the first inner phase (data loading and Spark start excluded)
    long phaseStart = System.nanoTime();
    double innerNorm = innerPhase();
    return new Progress(Double.NaN, innerNorm, (long) s.innerSteps() * problem.rowCount(),
        (System.nanoTime() - phaseStart) / 1e9);
  }

  @Override
  public void restore(HpoCheckpoint.State resumed, String location) {
    if (resumed.lambda().length != problem.q() || resumed.x().length != problem.p()) {
      throw new HpoCheckpoint.RefusedException("checkpoint in " + location + " has p = " + resumed.x().length + ", q = "
          + resumed.lambda().length + "; this problem has p = " + problem.p() + ", q = " + problem.q());
    }
    x = resumed.x();
    lambda = resumed.lambda();
    inner.restore(resumed.inner());
    outer.restore(resumed.outer());
    problem.setLambda(lambda);
  }

  @Override
  public Progress step(int k) {
    // the k-th hypergradient's minibatches: a stream of its own, a pure function of (seed, k)
    CounterSampler sampler = new CounterSampler(CounterSampler.streamKey(s.seed(), k, 0), problem.rowCount(), s.batch());
    double[] v;
    try {
      v = problem.hypergradient(x, s.spec(), sampler, s.depth(), s.divergenceFactor(), s.exactMaxP());
    } catch (DivergenceException e) {
      if (k == 1) {
        throw e; // at λ₀: the method's own scale
      }
      // λ has moved: a chain that ran at λ₀ and diverges now says the outer steps moved λ too far
      throw new DivergenceException("outer step " + k + ": after " + (k - 1) + " outer steps of outer.lr = " + s.outerLr()
          + " (‖λ‖ = " + String.format(java.util.Locale.ROOT, "%.4g", Blas.norm(lambda)) + "), " + e.getMessage()
          + "; the hypergradient ran at λ₀, so the outer steps moved λ too far: lower outer.lr (or the method's scale)",
          e.largestSafeScale());
    }
    if (!OuterLoop.allFinite(v)) {
      throw new DivergenceException("outer step " + k + ": the hypergradient by " + s.spec().label() + " is not finite "
          + "(‖λ‖ = " + String.format(java.util.Locale.ROOT, "%.4g", Blas.norm(lambda)) + "); lower outer.lr (now "
          + s.outerLr() + ") or the method's scale", Double.NaN);
    }
    lastHypergradient = v.clone();
    outer.step(lambda, v);
    problem.setLambda(lambda);
    double innerNorm = innerPhase();
    // rows read: the inner phase's full-batch gradients, c over the validation rows, the chain's minibatches
    long samples = (long) s.innerSteps() * problem.rowCount() + problem.validationRowCount()
        + (s.spec().method().isIterative() ? (long) s.depth() * s.batch() : 0);
    return new Progress(Blas.norm(v), innerNorm, samples, 0);
  }

  /** The hypergradient the last step read (null before the first). */
  double[] lastHypergradient() {
    return lastHypergradient;
  }

  /** One more inner phase at the same λ (random search's students train without moving λ). */
  Progress innerOnly() {
    double innerNorm = innerPhase();
    return new Progress(Double.NaN, innerNorm, (long) s.innerSteps() * problem.rowCount(), 0);
  }

  /** Trains x in place, warm-started: inner.steps full-batch optimiser steps, or Newton-CG to inner.tol. Returns ‖∇ₓg‖. */
  private double innerPhase() {
    InnerObjective g = problem.inner();
    double[] grad = new double[x.length];
    if (s.innerSolver().equals("newton-cg")) {
      NewtonCg.Result r = NewtonCg.solve(g, x, s.innerTol(), s.innerSteps());
      System.arraycopy(r.x(), 0, x, 0, x.length);
      return r.gradNorm();
    }
    for (int t = 0; t < s.innerSteps(); t++) {
      g.gradient(x, grad);
      inner.step(x, grad);
    }
    g.gradient(x, grad);
    return Blas.norm(grad);
  }

  @Override
  public double[] lambda() {
    return lambda;
  }

  @Override
  public double[] x() {
    return x;
  }

  @Override
  public HpoCheckpoint.State state(int step, long samples, double seconds, List<double[]> history) {
    return new HpoCheckpoint.State(step, lambda, x, inner.state(), outer.state(), s.seed(), samples, seconds, history);
  }

  @Override
  public String stepName() {
    return "outer step";
  }

  @Override
  public Map<String, Object> summary(int steps) {
    return summary(s);
  }

  /** What summary.json says of hypergradient descent with these settings (a population's students too). */
  static Map<String, Object> summary(HpoSettings s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("iterations", s.depth());
    m.put("outer_optimizer", s.outerOptimizer());
    m.put("outer_lr", s.outerLr());
    m.put("inner_solver", s.innerSolver());
    m.put("inner_steps", s.innerSteps());
    m.put("inner_lr", s.innerLr());
    return m;
  }
}
