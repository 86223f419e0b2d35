package io.hypergrad.spark;

import io.hypergrad.model.GlmBilevelProblem;
import io.hypergrad.model.GlmLoss;
import io.hypergrad.model.HyperModel;
import io.hypergrad.model.LabeledRows;
import io.hypergrad.oracle.StochasticLinearSystem;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.ml.linalg.Vector;

/**
 * What an executor task of the {@code chains} plan needs to run chains on its own: the gathered
 * training rows, x*, c, d and the model. {@link #system()} rebuilds there the single-machine linear
 * system over those rows, with sampled row indices mapped from the split's numbering to the
 * gathered one — so a chain computes exactly what it computes in the driver plan.
 */
public final class ChainContext implements Serializable {
  private static final long serialVersionUID = 1L;

  private final GlmLoss loss;
  private final HyperModel hyper;
  private final double modelRidge;
  private final int featureCount;
  private final int rowCount;
  private final double[] x;
  private final double[] c;
  private final double[] d;
  private final GatheredRows rows;

  public ChainContext(DistributedGlmSystem system, GatheredRows rows) {
    DistributedGlmProblem problem = system.problem();
    this.loss = problem.loss();
    this.hyper = problem.hyperModel();
    this.modelRidge = problem.modelRidge();
    this.featureCount = problem.featureCount();
    this.rowCount = problem.rowCount();
    this.x = system.x();
    this.c = system.c().clone();
    this.d = system.d().clone();
    this.rows = rows;
  }

  public int gatheredRows() {
    return rows.size();
  }

  /** The linear system over the gathered rows; sampled indices are the training split's. */
  public StochasticLinearSystem system() {
    LabeledRows local = new LabeledRows(rows.features(), rows.labels(), featureCount);
    LabeledRows noValidation = new LabeledRows(new Vector[0], new double[0], featureCount);
    StochasticLinearSystem inner = new GlmBilevelProblem(loss, hyper, local, noValidation, modelRidge, false).linearSystemAt(x);
    int[] toLocal = new int[rowCount];
    Arrays.fill(toLocal, -1);
    for (int m = 0; m < rows.size(); m++) {
      toLocal[rows.index()[m]] = m;
    }
    return new StochasticLinearSystem() {
      @Override
      public int p() {
        return inner.p();
      }

      @Override
      public int q() {
        return inner.q();
      }

      @Override
      public int rowCount() {
        return rowCount;
      }

      @Override
      public double[] c() {
        return c;
      }

      @Override
      public double[] d() {
        return d;
      }

      @Override
      public void applyB(double[] z, double[] out) {
        inner.applyB(z, out);
      }

      /** Over the gathered rows: the full batch when every row was drawn (only divergence reports use it). */
      @Override
      public void applyA(double[] v, double[] out) {
        inner.applyA(v, out);
      }

      @Override
      public void applySampledA(int[] sampled, double[] vectors, int k, double[] out) {
        int[] mapped = new int[sampled.length];
        for (int j = 0; j < sampled.length; j++) {
          mapped[j] = toLocal[sampled[j]];
          if (mapped[j] < 0) {
            throw new IllegalStateException("row " + sampled[j] + " was sampled but not gathered");
          }
        }
        inner.applySampledA(mapped, vectors, k, out);
      }
    };
  }
}
