package io.hypergrad.population;

import java.util.random.RandomGenerator;

/**
 * PBT's explore step: how a copied student's λ is moved away from its parent's. A mutator that
 * learns ({@link AttentionTeacher}) is told, one round later, how each of its mutations turned out.
 */
public interface Mutator {

  /**
   * A mutated λ, and the gradient of the log-density of the draw with respect to the mutator's own
   * parameters (empty for one that does not learn): what a policy-gradient step on its outcome needs.
   */
  record Mutation(double[] lambda, double[] scoreGradient) {}

  /**
   * Mutates the λ of student {@code parent}, one of {@code top}; {@code lambdas} and {@code
   * hypergradients} are every student's after this round's local steps.
   */
  Mutation mutate(int parent, int[] top, double[][] lambdas, double[][] hypergradients, RandomGenerator rng);

  /**
   * Learns from the mutations of the previous round: {@code rewards[i]} is how much the loss of the
   * student made by the i-th mutation fell below its parent's over one round (non-finite: skipped).
   */
  void learn(double[][] scoreGradients, double[] rewards);

  /** The learned parameters and statistics, flat (empty for one that does not learn). */
  double[] state();

  /** Puts back what {@link #state} returned. */
  void restore(double[] state);
}
