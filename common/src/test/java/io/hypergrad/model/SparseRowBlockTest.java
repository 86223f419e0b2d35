package io.hypergrad.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.junit.jupiter.api.Test;

/** CSR rows from sparse vectors that store explicit zeros, as LIBSVM lines like "3:0" give. */
class SparseRowBlockTest {
  @Test
  void storedZerosAreDroppedAndRowsComeBackWhole() {
    Vector[] rows = {
        Vectors.sparse(5, new int[] {0, 2, 4}, new double[] {1.5, 0.0, -2.0}),
        Vectors.sparse(5, new int[] {1, 3}, new double[] {0.0, 0.0}),
        Vectors.sparse(5, new int[] {2, 3}, new double[] {0.5, 3.0})};
    double[] labels = {1, 0, 1};
    RowBlock block = RowBlock.of(rows, labels, 5);
    SparseVector first = (SparseVector) block.row(0);
    assertArrayEquals(new int[] {0, 4}, first.indices());
    assertArrayEquals(new double[] {1.5, -2.0}, first.values(), 0.0);
    assertEquals(0, block.row(1).numActives());
    assertArrayEquals(new int[] {2, 3}, ((SparseVector) block.row(2)).indices());
    // the block's loss equals the per-row sum over the original vectors
    LogisticLoss loss = new LogisticLoss();
    double[] x = {0.3, -0.2, 0.7, 0.1, -0.4};
    double expected = 0;
    for (int i = 0; i < rows.length; i++) {
      expected += loss.loss(rows[i], labels[i], x);
    }
    assertEquals(expected, block.weightedLoss(loss, x, null, 0), 1e-15);
  }
}
