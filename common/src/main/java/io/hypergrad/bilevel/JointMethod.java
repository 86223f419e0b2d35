package io.hypergrad.bilevel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A single-loop bilevel method: each step moves the inner variable x, a linear-system variable and
 * λ together, from minibatches the caller draws (two independent training minibatches and one
 * validation minibatch per step; deterministic methods ignore them and use full batches). The
 * state is explicit, so a run can be checkpointed and resumed bit for bit.
 */
public abstract class JointMethod {
  protected final BilevelOracle oracle;
  protected final int p;
  protected final int q;
  protected final double[] x;
  protected final double[] lambda;
  protected final double[] hypergradient;
  /** The linear-system variable u ≈ A⁻¹c that every joint method moves beside x and λ. */
  protected final double[] u;

  protected JointMethod(BilevelOracle oracle, double[] x0, double[] lambda0) {
    this.oracle = oracle;
    this.p = oracle.p();
    this.q = oracle.q();
    this.x = x0.clone();
    this.lambda = lambda0.clone();
    this.hypergradient = new double[q];
    this.u = new double[p];
  }

  /** Canonical config name: soba, nbo-gd, nsbo-sgd, nhgd. */
  public abstract String name();

  /** Whether the method uses the minibatches (false: full batches every step). */
  public boolean stochastic() {
    return true;
  }

  /**
   * Step t.
   *
   * @param inner  a training minibatch
   * @param inner2 an independent training minibatch (for the cross product, where a method wants one)
   * @param outer  a validation minibatch
   */
  public abstract void step(long t, int[] inner, int[] inner2, int[] outer);

  public double[] x() {
    return x.clone();
  }

  public double[] lambda() {
    return lambda.clone();
  }

  /** The last step's hypergradient estimate (the direction λ moved against). */
  public double[] lastHypergradient() {
    return hypergradient.clone();
  }

  /** Every state vector by name (x, λ and u included). */
  public Map<String, double[]> state() {
    Map<String, double[]> m = new LinkedHashMap<>();
    m.put("x", x.clone());
    m.put("lambda", lambda.clone());
    m.put("hypergradient", hypergradient.clone());
    m.put("u", u.clone());
    return m;
  }

  /** Restores what {@link #state()} returned. */
  public void restore(Map<String, double[]> state) {
    copy(state, "x", x);
    copy(state, "lambda", lambda);
    copy(state, "hypergradient", hypergradient);
    // NHGD recomputes u every step and did not checkpoint it before u moved here
    if (state.containsKey("u")) {
      copy(state, "u", u);
    }
  }

  protected static void copy(Map<String, double[]> state, String key, double[] into) {
    double[] v = state.get(key);
    if (v == null || v.length != into.length) {
      throw new IllegalArgumentException("state '" + key + "' missing or of length " + (v == null ? 0 : v.length)
          + ", expected " + into.length);
    }
    System.arraycopy(v, 0, into, 0, into.length);
  }

  /** λ ← λ − γ·(−B·u): the hypergradient d − B·u with d = 0. */
  protected final void outerStep(double gamma, double[] bu) {
    for (int j = 0; j < q; j++) {
      hypergradient[j] = -bu[j];
      lambda[j] -= gamma * hypergradient[j];
    }
  }

  /** Builds a method by name with its step sizes (see conf/README.md's hpo keys). */
  public static JointMethod named(String name, BilevelOracle oracle, double[] x0, double[] lambda0, JointSettings s) {
    return switch (name) {
      case "soba" -> new Soba(oracle, x0, lambda0, s.stepSize(), s.outerRatio());
      case "nbo-gd" -> new NewtonBilevel(oracle, x0, lambda0, s.stepSize(), s.outerRatio(), s.newtonSteps(), false);
      case "nsbo-sgd" -> new NewtonBilevel(oracle, x0, lambda0, s.stepSize(), s.outerRatio(), s.newtonSteps(), true);
      case "nhgd" -> new NaturalHypergradientDescent(oracle, x0, lambda0, s.stepSize(), s.outerRatio(), s.smoothing(),
          s.fisherSamples(), s.blocks(), s.refresh());
      default -> throw new IllegalArgumentException("unknown joint method '" + name + "'; expected soba, nbo-gd, nsbo-sgd or nhgd");
    };
  }

  /** Whether {@code name} is a joint method (not a hypergradient estimator). */
  public static boolean isJoint(String name) {
    return switch (name) {
      case "soba", "nbo-gd", "nsbo-sgd", "nhgd" -> true;
      default -> false;
    };
  }
}
