package io.hypergrad.jobs;

import io.hypergrad.oracle.StochasticLinearSystem;
import java.util.Map;

/**
 * A built task: the stochastic linear system of its hypergradient and what the summary should say
 * about how it was built (data counts, inner solve).
 */
public record Task(StochasticLinearSystem system, Map<String, Object> info) {}
