package io.hypergrad.model;

/**
 * {@code instance-weights} and {@code hyper-cleaning}: row i of the training loss is weighted by
 * wᵢ = act(λᵢ), with act = identity, sigmoid or softplus, plus a fixed ridge (κ/2)·‖x‖². The
 * hypergradient ∂F/∂λᵢ is then the influence of up-weighting row i on the validation loss.
 */
public final class InstanceWeightHyperModel extends HyperModelBase {
  private static final long serialVersionUID = 1L;

  /** How λᵢ becomes a weight. */
  public enum Activation {
    IDENTITY, SIGMOID, SOFTPLUS;

    public static Activation named(String name) {
      return switch (name) {
        case "none", "identity" -> IDENTITY;
        case "sigmoid" -> SIGMOID;
        case "softplus" -> SOFTPLUS;
        default -> throw new IllegalArgumentException("unknown activation '" + name + "'; expected none, sigmoid or softplus");
      };
    }
  }

  private final Activation activation;
  private final double ridge;

  private InstanceWeightHyperModel(String name, Activation activation, double ridge, double[] lambda) {
    super(name, lambda);
    if (!(ridge >= 0) || Double.isInfinite(ridge)) {
      throw new IllegalArgumentException("ridge must be a finite number ≥ 0, got " + ridge);
    }
    this.activation = activation;
    this.ridge = ridge;
  }

  /** g = (1/n)Σ act(λᵢ)ℓᵢ + (ρ/2)‖x‖². */
  public static InstanceWeightHyperModel instanceWeights(Activation activation, double rho, double[] lambda) {
    return new InstanceWeightHyperModel("instance-weights", activation, rho, lambda);
  }

  /** g = (1/n)Σ σ(λᵢ)ℓᵢ + ρ‖x‖² (the NBO paper's penalty has no ½, so κ = 2ρ). */
  public static InstanceWeightHyperModel hyperCleaning(double rho, double[] lambda) {
    return new InstanceWeightHyperModel("hyper-cleaning", Activation.SIGMOID, 2 * rho, lambda);
  }

  @Override
  protected HyperModel at(double[] lambda) {
    return new InstanceWeightHyperModel(name(), activation, ridge, lambda);
  }

  @Override
  public double weight(int row) {
    double l = lambda[row];
    return switch (activation) {
      case IDENTITY -> l;
      case SIGMOID -> LogisticLoss.sigmoid(l);
      case SOFTPLUS -> LogisticLoss.softplus(l);
    };
  }

  @Override
  public double weightDerivative(int row) {
    double l = lambda[row];
    return switch (activation) {
      case IDENTITY -> 1.0;
      case SIGMOID -> {
        double s = LogisticLoss.sigmoid(l);
        yield s * (1 - s);
      }
      case SOFTPLUS -> LogisticLoss.sigmoid(l);
    };
  }

  @Override
  public boolean instanceWise() {
    return true;
  }

  @Override
  public double regularizer(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v * v;
    }
    return 0.5 * ridge * s;
  }

  @Override
  public void addRegularizerGradient(double[] x, double[] out) {
    for (int j = 0; j < x.length; j++) {
      out[j] += ridge * x[j];
    }
  }

  @Override
  public void addRegularizerHessianProduct(double[] vs, int k, double[] out) {
    for (int j = 0; j < vs.length; j++) {
      out[j] += ridge * vs[j];
    }
  }

  @Override
  public void applyRegularizerCross(double[] x, double[] z, double[] out) {
    throw new UnsupportedOperationException("instance-wise: B·z is a sum over rows, computed by the problem");
  }
}
