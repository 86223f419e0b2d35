package io.hypergrad.run;

/**
 * One chain of one estimator.
 *
 * @param errors   ‖v_t − v*‖ for t = 0 (the start) … T (after T iterations)
 * @param estimate the final hypergradient estimate v_T (length q)
 * @param seconds  wall time of the chain
 */
public record ChainResult(double[] errors, double[] estimate, double seconds) implements java.io.Serializable {}
