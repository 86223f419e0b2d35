package io.hypergrad.output;

import io.hypergrad.estimator.EstimatorSpec;
import io.hypergrad.run.ErrorSummary;
import java.util.Map;

/**
 * The outcome of one estimator configuration across its seeds.
 *
 * @param spec          the configuration
 * @param errors        error curves (one point for the deterministic solvers)
 * @param meanEstimate  the hypergradient estimate, averaged over seeds
 * @param seconds       summed wall time of its chains
 * @param extra         method-specific facts for summary.json (cg iterations, residual)
 */
public record LabelResult(EstimatorSpec spec, ErrorSummary errors, double[] meanEstimate, double seconds,
    Map<String, Object> extra) {}
