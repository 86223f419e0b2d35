package io.hypergrad.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.linalg.Blas;
import io.hypergrad.model.GlmBilevelProblem;
import io.hypergrad.model.GlmLinearSystem;
import io.hypergrad.model.InstanceWeightHyperModel;
import io.hypergrad.model.LabeledRows;
import io.hypergrad.model.LogisticLoss;
import io.hypergrad.model.NewtonCg;
import io.hypergrad.model.PerFeatureRidgeHyperModel;
import io.hypergrad.oracle.CounterSampler;
import io.hypergrad.oracle.StochasticLinearSystem;
import io.hypergrad.prep.DataPreparation;
import io.hypergrad.prep.DataSpec;
import io.hypergrad.prep.SplitSizes;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The problem over partitioned rows against the same problem over rows in this JVM (local[2]): bit for bit
 * with one partition, and for single-row samples with any partitioning; to 1e-12 relative when a
 * sum is split over several partitions.
 */
class PartitionedRowsTest {
  static JavaSparkContext jsc;
  static LabeledRows train;
  static LabeledRows val;

  @BeforeAll
  static void data() throws Exception {
    jsc = JavaSparkContext.fromSparkContext(SparkSessions.get().sparkContext());
    DataPreparation.Result d = DataPreparation.run(new DataSpec("adult", List.of(Path.of("../data/adult/adult.data.gz")), null,
        ',', 0, null, "minmax", new SplitSizes(301, 200, 0), 3, 0, 0));
    train = new LabeledRows(d.split("train").features(), d.split("train").labels(), 14);
    val = new LabeledRows(d.split("val").features(), d.split("val").labels(), 14);
  }

  /** A problem over rows in this JVM and the training rows it was built from. */
  private record Case(GlmBilevelProblem problem, LabeledRows train) {}

  private static List<Case> problems() {
    SplittableRandom rng = new SplittableRandom(9);
    double[] perFeature = new double[14];
    double[] perRow = new double[train.size()];
    for (int j = 0; j < perFeature.length; j++) {
      perFeature[j] = 0.5 + rng.nextDouble();
    }
    for (int i = 0; i < perRow.length; i++) {
      perRow[i] = rng.nextDouble() - 0.5;
    }
    // the same rows in CSR form: sparse blocks must agree with the single-machine sums as dense ones do
    org.apache.spark.ml.linalg.Vector[] sparseRows = new org.apache.spark.ml.linalg.Vector[train.size()];
    for (int i = 0; i < sparseRows.length; i++) {
      sparseRows[i] = train.features()[i].toSparse();
    }
    LabeledRows sparseTrain = new LabeledRows(sparseRows, train.labels(), 14);
    return List.of(
        new Case(new GlmBilevelProblem(new LogisticLoss(), new PerFeatureRidgeHyperModel(0.1, perFeature), train, val, 0.01, true),
            train),
        new Case(new GlmBilevelProblem(new LogisticLoss(), new PerFeatureRidgeHyperModel(0.1, perFeature), sparseTrain, val, 0.01,
            true), sparseTrain),
        new Case(new GlmBilevelProblem(new LogisticLoss(),
            InstanceWeightHyperModel.instanceWeights(InstanceWeightHyperModel.Activation.SOFTPLUS, 0.1, perRow), train, val, 0, false),
            train));
  }

  private static double relative(double[] a, double[] b) {
    return Blas.distance(a, b) / Math.max(Blas.norm(b), Double.MIN_NORMAL);
  }

  @Test
  void everyProductMatchesTheSingleMachineValues() {
    for (Case c : problems()) {
      GlmBilevelProblem prob = c.problem();
      String what = prob.hyperModel().name();
      double[] x = NewtonCg.solve(prob, new double[prob.p()], 1e-10, 50).x();
      StochasticLinearSystem local = prob.linearSystemAt(x);
      int p = prob.p();
      double[] v = new double[2 * p];
      SplittableRandom rng = new SplittableRandom(4);
      for (int j = 0; j < v.length; j++) {
        v[j] = rng.nextDouble() - 0.5;
      }
      double[] z = java.util.Arrays.copyOf(v, p);
      double[] bzLocal = new double[prob.hyperModel().q()];
      prob.crossProduct(x, z, bzLocal);
      CounterSampler one = new CounterSampler(5, train.size(), 1);
      CounterSampler seven = new CounterSampler(5, train.size(), 7);
      int[] row = one.newRowBuffer();
      int[] rows = seven.newRowBuffer();
      one.rows(0, 3, row);
      seven.rows(0, 3, rows);
      double[] expectOne = new double[2 * p];
      double[] expectSeven = new double[2 * p];
      double[] expectFull = new double[p];
      local.applySampledA(row, v, 2, expectOne);
      local.applySampledA(rows, v, 2, expectSeven);
      local.applyA(z, expectFull);

      for (int partitions : new int[] {1, 3, 4}) {
        GlmBilevelProblem distProblem = prob.withRows(PartitionedRows.distribute(jsc, c.train(), partitions),
            PartitionedRows.distribute(jsc, val, partitions));
        GlmLinearSystem dist = distProblem.linearSystemAt(x);
        String at = what + ", " + partitions + " partitions";
        boolean whole = partitions == 1;
        double[] got = new double[2 * p];
        dist.applySampledA(row, v, 2, got);
        assertArrayEquals(expectOne, got, 0.0, at + ": one sampled row is bit-identical");
        dist.applySampledA(rows, v, 2, got);
        check(expectSeven, got, whole, at + ": batch of 7");
        double[] full = new double[p];
        dist.applyA(z, full);
        check(expectFull, full, whole, at + ": full-batch A·v");
        check(local.c(), dist.c(), whole, at + ": c");
        check(local.denseA(), dist.denseA(), whole, at + ": dense A");
        assertArrayEquals(local.d(), dist.d(), 0.0, at + ": d");
        double[] bz = new double[prob.hyperModel().q()];
        dist.applyB(z, bz);
        // B·z is computed per row, so no sum is split: bit-identical for any partitioning
        assertArrayEquals(bzLocal, bz, 0.0, at + ": B·z");
        // the inner objective's passes too
        assertEquals(prob.innerLoss(z), distProblem.value(z), whole ? 0.0 : 1e-12 * Math.abs(prob.innerLoss(z)), at + ": g");
        double[] g = new double[p];
        double[] gd = new double[p];
        prob.innerGradient(z, g);
        distProblem.gradient(z, gd);
        check(g, gd, whole, at + ": ∇g");
        distProblem.release();
      }
    }
  }

  private static void check(double[] expected, double[] got, boolean bitwise, String what) {
    if (bitwise) {
      assertArrayEquals(expected, got, 0.0, what + " (bit-identical with one partition)");
    } else {
      double rel = relative(got, expected);
      assertTrue(rel < 1e-12, what + ": relative difference " + rel);
    }
  }
}
