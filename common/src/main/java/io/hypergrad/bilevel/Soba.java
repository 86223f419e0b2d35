package io.hypergrad.bilevel;


/**
 * SOBA (Dagréou, Ablin, Vaiter, Moreau, NeurIPS 2022), as benchopt's solver runs it, in this
 * project's sign convention (u ≈ +A⁻¹c): from one training minibatch S and one validation minibatch T,
 * x ← x − ρ_t·∇ₓg_S, u ← u − ρ_t·(A_S·u − c_T), λ ← λ − γ_t·(−B_S·u), all read at the step's start,
 * with ρ_t = ρ₀/√(t+1) and γ_t = ρ_t/outer_ratio.
 */
public final class Soba extends JointMethod {
  private final double rho0;
  private final double outerRatio;
  private final double[] g;
  private final double[] au;
  private final double[] c;
  private final double[] bu;

  public Soba(BilevelOracle oracle, double[] x0, double[] lambda0, double rho0, double outerRatio) {
    super(oracle, x0, lambda0);
    this.rho0 = rho0;
    this.outerRatio = outerRatio;
    this.g = new double[p];
    this.au = new double[p];
    this.c = new double[p];
    this.bu = new double[q];
  }

  @Override
  public String name() {
    return "soba";
  }

  @Override
  public void step(long t, int[] inner, int[] inner2, int[] outer) {
    oracle.setLambda(lambda);
    oracle.innerGradient(x, inner, g);
    oracle.innerHessianProduct(x, inner, u, au);
    oracle.crossProduct(x, inner, u, bu);
    oracle.outerGradient(x, outer, c);
    double rho = rho0 / Math.sqrt(t + 1.0);
    for (int j = 0; j < p; j++) {
      x[j] -= rho * g[j];
      u[j] -= rho * (au[j] - c[j]);
    }
    outerStep(rho / outerRatio, bu);
  }
}
