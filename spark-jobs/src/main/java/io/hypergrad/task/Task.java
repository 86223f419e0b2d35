package io.hypergrad.task;

import io.hypergrad.oracle.StochasticLinearSystem;
import java.util.Map;

/**
 * A built task: the stochastic linear system of its hypergradient, what the summary should say
 * about how it was built (data counts, inner solve), and the execution plan it was built for.
 */
public record Task(StochasticLinearSystem system, Map<String, Object> info, String plan) {

  public Task(StochasticLinearSystem system, Map<String, Object> info) {
    this(system, info, "driver");
  }
}
