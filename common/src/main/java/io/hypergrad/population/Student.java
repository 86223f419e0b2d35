package io.hypergrad.population;

/**
 * One member of a population: its hyperparameters λ, the hypergradient its last local step read,
 * its validation loss after that step, and what else it trains ({@code state}: the inner model and
 * the optimisers' states, copied whole when a student is replaced by a copy of a better one).
 *
 * @param <S> the trained state; immutable, so a copy shares it
 */
public record Student<S>(double[] lambda, double[] hypergradient, double loss, S state) {

  /** This student with λ replaced (a mutated copy keeps its parent's state and last readings). */
  public Student<S> withLambda(double[] mutated) {
    return new Student<>(mutated, hypergradient, loss, state);
  }
}
