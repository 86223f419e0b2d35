package io.hypergrad.influence;

import io.hypergrad.model.GlmLoss;
import io.hypergrad.model.Rows;
import io.hypergrad.prep.table.RowPartition;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One partition's per-row influence scores, computed where the rows live and kept as arrays (a few
 * doubles a row) so the Parquet output and every report aggregation read them without recomputing.
 * With the inner loss (1/n)Σᵢ(1 + εᵢ)ℓᵢ(x) + R(x) and s = A⁻¹∇f_val(x*), the influence of row i is
 * ∂f_val(x*(ε))/∂εᵢ = −(1/n)·∇ℓᵢ(x*)·s: positive means up-weighting the row raises the validation
 * loss (harmful; removing it lowers the loss by about that much), negative means it helps. A row
 * with instance weight cᵢ enters the loss as cᵢℓᵢ, so its score is −(cᵢ/n)·∇ℓᵢ(x*)·s.
 *
 * @param ids        the rows' source ids
 * @param influence  the scores for s
 * @param labels     the rows' labels
 * @param losses     ℓᵢ(x*)
 * @param weights    the instance weights, or null for unweighted rows
 * @param cg         the scores for a second solution (cg's), or null
 * @param clean      the labels before noise, or null
 */
public record InfluenceScores(long[] ids, double[] influence, double[] labels, double[] losses, double[] weights,
    double[] cg, double[] clean) implements Serializable {

  public int size() {
    return ids.length;
  }

  /**
   * id, influence, label, loss; then weight for weighted rows, influence_cg when a second solution is
   * compared, clean_label when the data has it.
   */
  public static StructType schema(boolean withWeight, boolean withCg, boolean withCleanLabel) {
    return schema("influence", withWeight, withCg, withCleanLabel);
  }

  /** As {@link #schema(boolean, boolean, boolean)} with the score column named {@code score}. */
  public static StructType schema(String score, boolean withWeight, boolean withCg, boolean withCleanLabel) {
    List<StructField> fields = new ArrayList<>(List.of(
        DataTypes.createStructField("id", DataTypes.LongType, false),
        DataTypes.createStructField(score, DataTypes.DoubleType, false),
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
   * The scores of one partition's rows (in split order) for the solution s (and sCg when not null),
   * the model at x and n training rows in all.
   */
  public static InfluenceScores of(RowPartition part, GlmLoss loss, double[] x, double[] s, double[] sCg, long n,
      boolean withCleanLabel) {
    return of(part, loss, x, dotWith(s), sCg == null ? null : dotWith(sCg), -1.0, n, withCleanLabel);
  }

  /** A row's quantity from its residual r = ∂ℓ/∂m at x and its features a. */
  public interface RowQuantity extends Serializable {
    double of(double[] r, Vector a);
  }

  /** ∇ℓᵢ·s: a validation loss's influence, up to −cᵢ/n. */
  public static RowQuantity dotWith(double[] s) {
    return (r, a) -> gradientDot(r, a, s);
  }

  /** ∇ℓᵢᵀA⁻¹∇ℓᵢ (A's factor or its approximation): the row's influence on its own loss, up to cᵢ/n. */
  public static RowQuantity selfQuadratic(io.hypergrad.linalg.InverseQuadratic a) {
    return (r, v) -> a.inverseQuadraticForm(gradient(r, v, a.size()));
  }

  /** ∇ℓᵢ = (r_c·aᵢ)_c, dense, p = K·F. */
  private static double[] gradient(double[] r, Vector a, int p) {
    double[] g = new double[p];
    int f = a.size();
    for (int c = 0; c < r.length; c++) {
      double rc = r[c];
      if (rc == 0) {
        continue;
      }
      if (a instanceof org.apache.spark.ml.linalg.SparseVector sv) {
        for (int k = 0; k < sv.indices().length; k++) {
          g[c * f + sv.indices()[k]] = rc * sv.values()[k];
        }
      } else {
        double[] v = a.toArray();
        for (int j = 0; j < f; j++) {
          g[c * f + j] = rc * v[j];
        }
      }
    }
    return g;
  }

  /**
   * The scores of one partition's rows (in split order): {@code sign}·(cᵢ/n)·q(rᵢ, aᵢ) for the
   * quantity q (and a second one, cg's, when not null), the model at x and n training rows in all.
   */
  public static InfluenceScores of(RowPartition part, GlmLoss loss, double[] x, RowQuantity q, RowQuantity qCg,
      double sign, long n, boolean withCleanLabel) {
    int size = part.size();
    double[] losses = new double[size];
    double[] dots = new double[size];
    double[] dotsCg = qCg != null ? new double[size] : null;
    double[] r = new double[loss.outputs()];
    for (int i = 0; i < size; i++) {
      Vector a = part.rows().row(i);
      double y = part.rows().label(i);
      losses[i] = loss.loss(a, y, x);
      loss.residual(a, y, x, r);
      dots[i] = q.of(r, a);
      if (dotsCg != null) {
        dotsCg[i] = qCg.of(r, a);
      }
    }
    long[] ids = new long[size];
    double[] labels = new double[size];
    double[] weights = part.weighted() ? new double[size] : null;
    double[] clean = withCleanLabel ? new double[size] : null;
    for (int i = 0; i < size; i++) {
      ids[i] = part.id(i);
      labels[i] = part.rows().label(i);
      if (weights != null) {
        weights[i] = part.rows().instanceWeight(i);
      }
      if (clean != null) {
        clean[i] = part.cleanLabel(i);
      }
      dots[i] = score(weights, i, sign, dots[i], n);
      if (dotsCg != null) {
        dotsCg[i] = score(weights, i, sign, dotsCg[i], n);
      }
    }
    return new InfluenceScores(ids, dots, labels, losses, weights, dotsCg, clean);
  }

  /** sign·(cᵢ/n)·q from the row's quantity (sign ±1); sign·q/n exactly for unweighted rows. */
  private static double score(double[] weights, int i, double sign, double q, long n) {
    return weights != null ? sign * (weights[i] * q) / n : sign * q / n;
  }

  /**
   * One row's {influence, loss} for the model at x and the solution s of a problem with n training
   * rows, the row weighing c — the per-row arithmetic of {@link #of}, so a row scored alone (the
   * {@code InfluenceFunctionModel}'s transform) gets the job's number bit for bit.
   */
  public static double[] score(GlmLoss loss, Vector a, double y, double c, double[] x, double[] s, long n) {
    double[] r = new double[loss.outputs()];
    loss.residual(a, y, x, r);
    double dot = gradientDot(r, a, s);
    return new double[] {c != 1.0 ? -(c * dot) / n : -dot / n, loss.loss(a, y, x)};
  }

  /**
   * One row's self-influence (c/n)·∇ℓᵀA⁻¹∇ℓ for the factor of A at x — the arithmetic of {@link #of}
   * with {@link #selfQuadratic}, so a row scored alone gets the job's number bit for bit.
   */
  public static double selfScore(GlmLoss loss, Vector a, double y, double c, double[] x,
      io.hypergrad.linalg.InverseQuadratic factor, long n) {
    double[] r = new double[loss.outputs()];
    loss.residual(a, y, x, r);
    double q = selfQuadratic(factor).of(r, a);
    return c != 1.0 ? 1.0 * (c * q) / n : 1.0 * q / n;
  }

  /** ∇ℓᵢ·s = Σ_c rᵢ_c·(aᵢᵀs_c), row by row. */
  private static double gradientDot(double[] r, Vector a, double[] s) {
    int f = a.size();
    double dot = 0;
    for (int c = 0; c < r.length; c++) {
      if (r[c] != 0) {
        dot += r[c] * Rows.dot(a, s, c * f);
      }
    }
    return dot;
  }

  /** The rows in {@link #schema}'s order, made as the writer pulls them. */
  public Iterator<Row> rows() {
    return new Iterator<>() {
      private int i;

      @Override
      public boolean hasNext() {
        return i < ids.length;
      }

      @Override
      public Row next() {
        if (i >= ids.length) {
          throw new java.util.NoSuchElementException();
        }
        List<Object> values = new ArrayList<>(7);
        values.add(ids[i]);
        values.add(influence[i]);
        values.add(labels[i]);
        values.add(losses[i]);
        if (weights != null) {
          values.add(weights[i]);
        }
        if (cg != null) {
          values.add(cg[i]);
        }
        if (clean != null) {
          values.add(clean[i]);
        }
        i++;
        return RowFactory.create(values.toArray());
      }
    };
  }
}
