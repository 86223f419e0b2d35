package io.hypergrad.bilevel;


/**
 * The NBO framework (Dong, Yang, Yao, Zhang, ICML 2025): the inner Newton direction (H·v = ∇ₓg)
 * and the adjoint correction (H·w = H·u − c) share the Hessian H, so both come from T + 1 gradient
 * steps on their quadratics with the same H (the first step costs no product); then
 * x ← x − v, u ← u − w and the hypergradient is read at the new x: λ ← λ − γ·(−B(x⁺)·u⁺).
 * {@code nbo-gd} uses full batches and constant steps; {@code nsbo-sgd} one training minibatch for
 * H and ∇ₓg, an independent one for B, a validation minibatch for c, and γ_t = β/(outer_ratio·√(t+1)).
 * The sub-problems' GD step β stays constant (they are quadratics with a fixed H). The algorithm is
 * reconstructed from the paper's description (ALGORITHMS.md §8); the stochastic sampling choices are ours.
 */
public final class NewtonBilevel extends JointMethod {
  private final double beta;
  private final double outerRatio;
  private final int newtonSteps;
  private final boolean stochastic;
  private final double[] v;
  private final double[] w;
  private final double[] g;
  private final double[] r;
  private final double[] hv;
  private final double[] c;
  private final double[] bu;

  public NewtonBilevel(BilevelOracle oracle, double[] x0, double[] lambda0, double beta, double outerRatio, int newtonSteps,
      boolean stochastic) {
    super(oracle, x0, lambda0);
    this.beta = beta;
    this.outerRatio = outerRatio;
    this.newtonSteps = newtonSteps;
    this.stochastic = stochastic;
    this.v = new double[p];
    this.w = new double[p];
    this.g = new double[p];
    this.r = new double[p];
    this.hv = new double[p];
    this.c = new double[p];
    this.bu = new double[q];
  }

  @Override
  public String name() {
    return stochastic ? "nsbo-sgd" : "nbo-gd";
  }

  @Override
  public boolean stochastic() {
    return stochastic;
  }

  @Override
  public void step(long t, int[] inner, int[] inner2, int[] outer) {
    int[] s = stochastic ? inner : null;
    oracle.setLambda(lambda);
    oracle.innerGradient(x, s, g);
    oracle.outerGradient(x, stochastic ? outer : null, c);
    // r = H·u − c
    oracle.innerHessianProduct(x, s, u, hv);
    for (int j = 0; j < p; j++) {
      r[j] = hv[j] - c[j];
    }
    solve(s, g, v);
    solve(s, r, w);
    for (int j = 0; j < p; j++) {
      x[j] -= v[j];
      u[j] -= w[j];
    }
    oracle.crossProduct(x, stochastic ? inner2 : null, u, bu);
    outerStep(stochastic ? beta / (outerRatio * Math.sqrt(t + 1.0)) : beta / outerRatio, bu);
  }

  /** out ≈ H⁻¹·b by T + 1 GD steps from 0 on ½⟨H·o, o⟩ − ⟨b, o⟩, H at x over the rows s. */
  private void solve(int[] s, double[] b, double[] out) {
    for (int j = 0; j < p; j++) {
      out[j] = beta * b[j];
    }
    for (int k = 0; k < newtonSteps; k++) {
      oracle.innerHessianProduct(x, s, out, hv);
      for (int j = 0; j < p; j++) {
        out[j] -= beta * (hv[j] - b[j]);
      }
    }
  }
}
