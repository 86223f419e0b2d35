package io.hypergrad.optim;

/** Plain gradient descent, params ← params − lr·grad; its only state is the step count. */
public final class Sgd implements Optimizer {
  private final double lr;
  private long t;

  public Sgd(double lr) {
    if (!(lr > 0)) {
      throw new IllegalArgumentException("SGD's lr must be > 0, got " + lr);
    }
    this.lr = lr;
  }

  @Override
  public void step(double[] params, double[] grad) {
    t++;
    for (int j = 0; j < params.length; j++) {
      params[j] -= lr * grad[j];
    }
  }

  @Override
  public State state() {
    return new State(t, new double[0], new double[0]);
  }

  @Override
  public void restore(State state) {
    t = state.steps();
  }
}
