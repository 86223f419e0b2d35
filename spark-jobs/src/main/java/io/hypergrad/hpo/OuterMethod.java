package io.hypergrad.hpo;

import java.util.Map;

/**
 * What moves λ between two rows of the history, plugged into the {@link OuterLoop}: an outer step
 * of hypergradient descent ({@link HypergradientDescent}), or a window of iterations of a joint
 * single-loop method ({@link JointWindow}). The loop owns resume, time budget, evaluation, history
 * and checkpoints; a method owns its state.
 */
interface OuterMethod {

  /** The result of the start or of one step: what the history row needs beyond the split metrics. */
  record Progress(double hypergradientNorm, double innerGradNorm, long samples, double seconds) {}

  /** Runs what precedes row 0 (the estimator path's first inner phase); {@code seconds} is the time it took. */
  Progress start();

  /** Resumes from a checkpoint's state (refusing one that does not fit). */
  void restore(HpoCheckpoint.State state, String location);

  /** Step k (k ≥ 1): moves λ (and x); {@code seconds} is unused. */
  Progress step(int k);

  double[] lambda();

  double[] x();

  /** The checkpoint after {@code step}, with the loop's counters. */
  HpoCheckpoint.State state(int step, long samples, double seconds, java.util.List<double[]> history);

  /** How a step is named in messages ("outer step", "evaluation"). */
  String stepName();

  /** What summary.json says of the method beyond the shared keys. */
  Map<String, Object> summary(int steps);

  /** A CSV the method adds to the results: its columns and rows. */
  record Table(String[] columns, java.util.List<double[]> rows) {}

  /** The method's own tables, written as {@code NAME.csv} beside history.csv (none by default). */
  default Map<String, Table> tables() {
    return Map.of();
  }

  /** Frees what the method made for itself; the loop calls it once the run ends, however it ends. */
  default void release() {
  }
}
