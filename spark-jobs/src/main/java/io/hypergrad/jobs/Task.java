package io.hypergrad.jobs;

import io.hypergrad.oracle.StochasticLinearSystem;
import io.hypergrad.model.GlmBilevelProblem;
import java.util.Map;

/**
 * A built task: the stochastic linear system of its hypergradient, what the summary should say
 * about how it was built (data counts, inner solve) and, for GLM tasks, the problem and its inner
 * optimum x* (null for the synthetic task), and the execution plan it was built for.
 */
public record Task(StochasticLinearSystem system, Map<String, Object> info, GlmBilevelProblem problem, double[] x,
    String plan) {

  public Task(StochasticLinearSystem system, Map<String, Object> info) {
    this(system, info, null, null, "driver");
  }
}
