package io.hypergrad.optim;

/** A first-order optimiser whose whole state can be saved and restored (for checkpoints). */
public interface Optimizer {

  /** One step: params ← update(params, grad). */
  void step(double[] params, double[] grad);

  State state();

  void restore(State state);

  /**
   * @param steps  steps taken so far
   * @param first  first-moment estimate (empty when the optimiser keeps none)
   * @param second second-moment estimate (empty when the optimiser keeps none)
   */
  record State(long steps, double[] first, double[] second) implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** The state of a method that keeps no optimiser (a checkpoint's empty slot). */
    public static final State NONE = new State(0, new double[0], new double[0]);
  }

  /** sgd or adam by name, with Adam's usual β₁ = 0.9, β₂ = 0.999, ε = 1e-8. */
  static Optimizer named(String name, int dim, double lr) {
    return switch (name) {
      case "sgd" -> new Sgd(lr);
      case "adam" -> new Adam(dim, lr, 0.9, 0.999, 1e-8);
      default -> throw new IllegalArgumentException("unknown optimizer '" + name + "'; expected sgd or adam");
    };
  }
}
