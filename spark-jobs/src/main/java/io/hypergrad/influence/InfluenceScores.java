package io.hypergrad.influence;

import io.hypergrad.model.GlmLoss;
import io.hypergrad.prep.table.RowPartition;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Per-row influence scores, computed where the rows live. With the inner loss
 * (1/n)Σᵢ(1 + εᵢ)ℓᵢ(x) + R(x) and s = A⁻¹∇f_val(x*), the influence of row i is
 * ∂f_val(x*(ε))/∂εᵢ = −(1/n)·∇ℓᵢ(x*)·s: positive means up-weighting the row raises the validation
 * loss (harmful; removing it lowers the loss by about that much), negative means it helps. A row
 * with instance weight cᵢ enters the loss as cᵢℓᵢ, so its score is −(cᵢ/n)·∇ℓᵢ(x*)·s.
 */
public final class InfluenceScores {
  private InfluenceScores() {}

  /**
   * id, influence, label, loss; then weight for weighted rows, influence_cg when a second solution is
   * compared, clean_label when the data has it.
   */
  public static StructType schema(boolean withWeight, boolean withCg, boolean withCleanLabel) {
    List<StructField> fields = new ArrayList<>(List.of(
        DataTypes.createStructField("id", DataTypes.LongType, false),
        DataTypes.createStructField("influence", DataTypes.DoubleType, false),
        DataTypes.createStructField("label", DataTypes.DoubleType, false),
        DataTypes.createStructField("loss", DataTypes.DoubleType, false)));
    if (withWeight) {
      fields.add(DataTypes.createStructField("weight", DataTypes.DoubleType, false));
    }
    if (withCg) {
      fields.add(DataTypes.createStructField("influence_cg", DataTypes.DoubleType, false));
    }
    if (withCleanLabel) {
      fields.add(DataTypes.createStructField("clean_label", DataTypes.DoubleType, false));
    }
    return DataTypes.createStructType(fields);
  }

  /**
   * The rows of one partition (in split order) with their scores for the solution s (and sCg when
   * not null), the model at x and n training rows in all.
   */
  public static Iterator<Row> of(RowPartition part, GlmLoss loss, double[] x, double[] s, double[] sCg, long n,
      boolean withCleanLabel) {
    int size = part.size();
    double[] losses = new double[size];
    double[] dots = new double[size];
    part.rows().block().rowLossesAndGradientDots(loss, x, s, losses, dots);
    double[] dotsCg = null;
    if (sCg != null) {
      dotsCg = new double[size];
      part.rows().block().rowLossesAndGradientDots(loss, x, sCg, new double[size], dotsCg);
    }
    double[] cg = dotsCg;
    // rows are made as the writer pulls them, not all at once
    return new Iterator<>() {
      private int i;

      @Override
      public boolean hasNext() {
        return i < size;
      }

      @Override
      public Row next() {
        if (i >= size) {
          throw new java.util.NoSuchElementException();
        }
        List<Object> values = new ArrayList<>(7);
        values.add(part.id(i));
        values.add(score(part, i, dots[i], n));
        values.add(part.rows().label(i));
        values.add(losses[i]);
        if (part.weighted()) {
          values.add(part.rows().instanceWeight(i));
        }
        if (cg != null) {
          values.add(score(part, i, cg[i], n));
        }
        if (withCleanLabel) {
          values.add(part.cleanLabel(i));
        }
        i++;
        return RowFactory.create(values.toArray());
      }
    };
  }

  /** −(cᵢ/n)·∇ℓᵢ·s from the row's dot product; −dot/n exactly for unweighted rows. */
  static double score(RowPartition part, int i, double dot, long n) {
    return part.weighted() ? -(part.rows().instanceWeight(i) * dot) / n : -dot / n;
  }
}
