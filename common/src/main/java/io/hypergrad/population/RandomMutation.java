package io.hypergrad.population;

import java.util.random.RandomGenerator;

/**
 * PBT's explore step (the ablation without a teacher): every hyperparameter of the copy moved by an
 * independent N(0, σ²) draw. λ is unconstrained in every hyper model here (log strengths, logits,
 * a squared scale), so an additive perturbation is PBT's multiplicative one on the model's scale.
 */
public final class RandomMutation implements Mutator {
  private final double sigma;

  public RandomMutation(double sigma) {
    if (!(sigma > 0)) {
      throw new IllegalArgumentException("the mutation scale must be > 0, got " + sigma);
    }
    this.sigma = sigma;
  }

  @Override
  public Mutation mutate(int parent, int[] top, double[][] lambdas, double[][] hypergradients, RandomGenerator rng) {
    double[] out = lambdas[parent].clone();
    for (int d = 0; d < out.length; d++) {
      out[d] += sigma * rng.nextGaussian();
    }
    return new Mutation(out, new double[0]);
  }

  @Override
  public void learn(double[][] scoreGradients, double[] rewards) {
  }

  @Override
  public double[] state() {
    return new double[0];
  }

  @Override
  public void restore(double[] state) {
    if (state.length != 0) {
      throw new IllegalArgumentException("random mutation has no state, got " + state.length + " values");
    }
  }
}
