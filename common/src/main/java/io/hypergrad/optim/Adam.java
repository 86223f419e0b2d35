package io.hypergrad.optim;

/**
 * Adam (Kingma &amp; Ba 2015) with bias correction, as torch.optim.Adam computes it: the state
 * (first and second moments, step count) is explicit so that a run can be checkpointed and
 * resumed bit for bit.
 */
public final class Adam implements Optimizer {
  private final double lr;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double[] m;
  private final double[] v;
  private long t;

  public Adam(int dim, double lr, double beta1, double beta2, double eps) {
    if (!(lr > 0)) {
      throw new IllegalArgumentException("Adam's lr must be > 0, got " + lr);
    }
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("Adam's betas must be in [0, 1), got " + beta1 + ", " + beta2);
    }
    if (!(eps > 0)) {
      throw new IllegalArgumentException("Adam's eps must be > 0, got " + eps);
    }
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.m = new double[dim];
    this.v = new double[dim];
  }

  @Override
  public void step(double[] params, double[] grad) {
    t++;
    double c1 = 1 - Math.pow(beta1, t);
    double c2 = 1 - Math.pow(beta2, t);
    double stepSize = lr / c1;
    double sqrtC2 = Math.sqrt(c2);
    for (int j = 0; j < params.length; j++) {
      double g = grad[j];
      m[j] = beta1 * m[j] + (1 - beta1) * g;
      v[j] = beta2 * v[j] + (1 - beta2) * g * g;
      params[j] -= stepSize * m[j] / (Math.sqrt(v[j]) / sqrtC2 + eps);
    }
  }

  @Override
  public State state() {
    return new State(t, m.clone(), v.clone());
  }

  @Override
  public void restore(State state) {
    if (state.first().length != m.length || state.second().length != v.length) {
      throw new IllegalArgumentException("Adam state has dimension " + state.first().length + ", expected " + m.length);
    }
    t = state.steps();
    System.arraycopy(state.first(), 0, m, 0, m.length);
    System.arraycopy(state.second(), 0, v, 0, v.length);
  }
}
