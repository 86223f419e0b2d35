package io.hypergrad.estimator;

/**
 * A deterministic solution x of A x = c.
 *
 * @param x          the solution
 * @param iterations solver iterations (full-batch products for cg, 0 for a factorisation)
 * @param residual   ‖A x − c‖ / ‖c‖ as measured after the solve
 * @param converged  whether the solver met its tolerance
 */
public record DirectSolution(double[] x, int iterations, double residual, boolean converged) {}
