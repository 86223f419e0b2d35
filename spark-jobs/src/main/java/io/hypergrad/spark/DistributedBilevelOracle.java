package io.hypergrad.spark;

import io.hypergrad.bilevel.BilevelOracle;
import io.hypergrad.model.GlmBilevelProblem;
import io.hypergrad.model.LabeledRows;
import io.hypergrad.oracle.CounterSampler;
import java.util.Arrays;

/**
 * The joint methods' oracle over rows cached on the executors. Full-batch quantities (NBO-GD's
 * steps, the history's ‖∇ₓg‖) are one pass each. Minibatch quantities would cost a Spark job per
 * call, so before every window of iterations {@link #prepare} gathers in one pass per split the
 * rows the window's minibatches will draw (the counter-based samplers say which), and the window
 * runs on them here, exactly as the single-machine oracle runs on all rows: the same sums in the
 * same order, so the results are bit for bit the driver plan's. Only regularising hyper-models
 * (q ≤ p): an instance-weighted one keeps one λ per training row, which the driver plan handles.
 */
public final class DistributedBilevelOracle implements BilevelOracle {
  private DistributedGlmProblem problem;
  private double[] lambda;
  private GlmBilevelProblem window;
  private int[] trainIndex = new int[0];
  private int[] validationIndex = new int[0];

  public DistributedBilevelOracle(DistributedGlmProblem problem) {
    if (problem.hyperModel().instanceWise()) {
      throw new IllegalArgumentException("the joint methods on plan distributed take a regularising hyper-model (l2, "
          + "l2-per-feature, l2-exp-per-feature, biased-reg), not " + problem.hyperModel().name() + "; use plan driver");
    }
    this.problem = problem;
    this.lambda = problem.hyperModel().lambda();
  }

  @Override
  public int p() {
    return problem.p();
  }

  @Override
  public int q() {
    return problem.hyperModel().q();
  }

  @Override
  public int trainRows() {
    return problem.rowCount();
  }

  @Override
  public int validationRows() {
    return problem.validationCount();
  }

  @Override
  public void prepare(CounterSampler inner, CounterSampler outer, long from, long to) {
    GatheredRows train = DistributedGlmProblem.gather(problem.trainRows(), inner, 2, from, to, false);
    GatheredRows val = DistributedGlmProblem.gather(problem.validationRows(), outer, 1, from, to, false);
    trainIndex = train.index();
    validationIndex = val.index();
    int f = problem.featureCount();
    window = new GlmBilevelProblem(problem.loss(), problem.hyperModel(), new LabeledRows(train.features(), train.labels(), f),
        new LabeledRows(val.features(), val.labels(), f), problem.modelRidge(), false);
  }

  @Override
  public void setLambda(double[] next) {
    if (!Arrays.equals(next, lambda)) {
      DistributedGlmProblem moved = problem.withLambda(next);
      problem.releaseWeights();
      problem = moved;
      lambda = next.clone();
      if (window != null) {
        window = window.withLambda(next);
      }
    }
  }

  /** Split row numbers → positions among the gathered rows (both increasing). */
  private int[] local(int[] rows, int[] index, String split) {
    if (window == null) {
      throw new IllegalStateException("prepare() was not called before a minibatch call");
    }
    int[] out = new int[rows.length];
    for (int k = 0; k < rows.length; k++) {
      int at = Arrays.binarySearch(index, rows[k]);
      if (at < 0) {
        throw new IllegalStateException(split + " row " + rows[k] + " was drawn but not gathered");
      }
      out[k] = at;
    }
    return out;
  }

  @Override
  public void innerGradient(double[] x, int[] rows, double[] out) {
    if (rows == null) {
      problem.gradient(x, out);
    } else {
      window.innerGradient(x, local(rows, trainIndex, "training"), out);
    }
  }

  @Override
  public void innerHessianProduct(double[] x, int[] rows, double[] v, double[] out) {
    if (rows == null) {
      problem.hessianProduct(x, v, out);
    } else {
      window.innerHessianProduct(x, local(rows, trainIndex, "training"), v, 1, out);
    }
  }

  /** A regulariser's B·v depends on no row. */
  @Override
  public void crossProduct(double[] x, int[] rows, double[] v, double[] out) {
    problem.hyperModel().applyRegularizerCross(x, v, out);
  }

  @Override
  public void outerGradient(double[] x, int[] rows, double[] out) {
    if (rows == null) {
      System.arraycopy(problem.outerGradient(x), 0, out, 0, out.length);
    } else {
      window.outerGradient(x, local(rows, validationIndex, "validation"), out);
    }
  }

  @Override
  public void dataGradient(double[] x, int row, double[] out) {
    window.dataGradient(x, local(new int[] {row}, trainIndex, "training")[0], out);
  }

  @Override
  public double[] regularizerHessianDiagonal() {
    return GlmBilevelProblem.regularizerHessianDiagonal(problem.hyperModel(), problem.modelRidge(), problem.p());
  }
}
