package io.hypergrad.rows;

import java.io.Serializable;

/**
 * One chain's sampled product A_t·V riding a shared pass.
 *
 * @param rows    the sampled training rows (split indices)
 * @param vectors V, p×k column-major
 * @param k       how many vectors
 */
public record SampledRequest(int[] rows, double[] vectors, int k) implements Serializable {}
