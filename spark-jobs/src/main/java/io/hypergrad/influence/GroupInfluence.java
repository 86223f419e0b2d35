package io.hypergrad.influence;

import io.hypergrad.linalg.DenseCholesky;
import io.hypergrad.model.DenseGlmHessian;
import io.hypergrad.model.GlmBilevelProblem;
import io.hypergrad.model.GlmLoss;
import io.hypergrad.prep.table.RowPartition;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.ml.linalg.Vector;

/**
 * Group removal: what dropping a whole group G of training rows (and retraining on the rest, the
 * loss a mean over what is left) does to the validation loss. First order: the members' influences
 * summed, (1/n)·g_Gᵀs with g_G = Σ_{i∈G} cᵢ∇ℓᵢ. Corrected: one Newton step from x* on the objective
 * without G, Δx = −(∇²g₋G)⁻¹∇g₋G, read out as ∇f·Δx — where, with W = n − Σ_G cᵢ the weight left,
 * ∇g₋G(x*) = (G − g_G)/W − G/n and ∇²g₋G = (H − H_G)/W + (A − H/n) (G, H the sums over every row;
 * A − H/n is the regulariser's Hessian, ∇R(x*) = −G/n at the optimum). The group sums g_G and H_G
 * come from one pass, each partition adding its rows into its groups'.
 */
public final class GroupInfluence {
  private GroupInfluence() {}

  /** A group's sums over its rows: count, Σcᵢ, Σcᵢ∇ℓᵢ (p) and Σcᵢ∇²ℓᵢ (p×p, column-major). */
  public record Sums(double rows, double weight, double[] gradient, double[] hessian) implements Serializable {
    Sums plus(Sums o) {
      double[] g = gradient.clone();
      double[] h = hessian.clone();
      for (int j = 0; j < g.length; j++) {
        g[j] += o.gradient[j];
      }
      for (int j = 0; j < h.length; j++) {
        h[j] += o.hessian[j];
      }
      return new Sums(rows + o.rows, weight + o.weight, g, h);
    }
  }

  /** One partition's sums per group (groups in increasing order). */
  public static TreeMap<Double, Sums> of(RowPartition part, GlmLoss loss, double[] x) {
    int p = x.length;
    TreeMap<Double, List<Integer>> members = new TreeMap<>();
    for (int i = 0; i < part.size(); i++) {
      members.computeIfAbsent(part.group(i), g -> new ArrayList<>()).add(i);
    }
    TreeMap<Double, Sums> out = new TreeMap<>();
    for (Map.Entry<Double, List<Integer>> e : members.entrySet()) {
      List<Integer> rows = e.getValue();
      Vector[] a = new Vector[rows.size()];
      double[] y = new double[rows.size()];
      double[] c = new double[rows.size()];
      double[] g = new double[p];
      double weight = 0;
      for (int m = 0; m < rows.size(); m++) {
        int i = rows.get(m);
        a[m] = part.rows().row(i);
        y[m] = part.rows().label(i);
        c[m] = part.rows().instanceWeight(i);
        weight += c[m];
        loss.addGradient(a[m], y[m], x, c[m], g);
      }
      double[] h = DenseGlmHessian.of(loss, a, y, c, a[0].size(), x);
      out.put(e.getKey(), new Sums(rows.size(), weight, g, h));
    }
    return out;
  }

  /** Every partition's sums added, in partition order. */
  public static TreeMap<Double, Sums> merge(List<TreeMap<Double, Sums>> parts) {
    TreeMap<Double, Sums> all = new TreeMap<>();
    for (TreeMap<Double, Sums> part : parts) {
      part.forEach((g, s) -> all.merge(g, s, Sums::plus));
    }
    return all;
  }

  /**
   * What removing a group does to the validation loss, predicted.
   *
   * @param group      the group's key (its index among the names, or its number)
   * @param firstOrder (1/n)·g_Gᵀs
   * @param corrected  ∇f·Δx after one Newton step on the objective without the group
   */
  public record Estimate(double group, double rows, double weight, double firstOrder, double corrected) {}

  /**
   * Each group's estimates from the sums, A (dense, p×p) at x*, c = ∇f(x*), s = A⁻¹c and n (the weight
   * of every row: the weights are at mean 1).
   */
  public static List<Estimate> estimate(TreeMap<Double, Sums> groups, double[] a, double[] c, double[] s, long n) {
    int p = c.length;
    double[] gAll = new double[p];
    double[] hAll = new double[p * p];
    for (Sums g : groups.values()) {
      for (int j = 0; j < p; j++) {
        gAll[j] += g.gradient[j];
      }
      for (int j = 0; j < p * p; j++) {
        hAll[j] += g.hessian[j];
      }
    }
    List<Estimate> out = new ArrayList<>();
    for (Map.Entry<Double, Sums> e : groups.entrySet()) {
      Sums g = e.getValue();
      double first = 0;
      for (int j = 0; j < p; j++) {
        first += g.gradient[j] * s[j];
      }
      first /= n;
      double left = n - g.weight;
      double corrected = Double.NaN;
      if (left > 0) {
        double[] grad = new double[p];
        double[] hess = new double[p * p];
        for (int j = 0; j < p; j++) {
          grad[j] = (gAll[j] - g.gradient[j]) / left - gAll[j] / n;
        }
        for (int j = 0; j < p * p; j++) {
          hess[j] = (hAll[j] - g.hessian[j]) / left + (a[j] - hAll[j] / n);
        }
        double[] step = DenseCholesky.factor(hess, p).solve(grad);
        corrected = 0;
        for (int j = 0; j < p; j++) {
          corrected -= c[j] * step[j];
        }
      }
      out.add(new Estimate(e.getKey(), g.rows, g.weight, first, corrected));
    }
    return out;
  }

  /**
   * Every group's estimate for the solved problem: one pass over the training partitions for the
   * groups' sums, then each group's first order and Newton step on the driver (a dense p×p each).
   */
  public static List<Estimate> estimate(GlmBilevelProblem problem, InfluenceSolve.Result solved,
      org.apache.spark.api.java.JavaRDD<RowPartition> train) {
    GlmLoss loss = problem.loss();
    org.apache.spark.broadcast.Broadcast<double[]> xb = org.apache.spark.api.java.JavaSparkContext
        .fromSparkContext(train.context()).broadcast(solved.x());
    TreeMap<Double, Sums> sums = merge(train.map(part -> of(part, loss, xb.value())).collect());
    xb.destroy();
    return estimate(sums, solved.system().denseA(), solved.system().c(), solved.s(), problem.train().size());
  }

  /** The groups' output rows (the job's Parquet, the stage's DataFrame). */
  public static final org.apache.spark.sql.types.StructType SCHEMA = new org.apache.spark.sql.types.StructType()
      .add("group", org.apache.spark.sql.types.DataTypes.StringType, false)
      .add("rows", org.apache.spark.sql.types.DataTypes.LongType, false)
      .add("weight", org.apache.spark.sql.types.DataTypes.DoubleType, false)
      .add("first_order", org.apache.spark.sql.types.DataTypes.DoubleType, false)
      .add("corrected", org.apache.spark.sql.types.DataTypes.DoubleType, false);

  /** An estimate as a {@link #SCHEMA} row. */
  public static org.apache.spark.sql.Row row(Estimate e, Map<String, Object> metadata) {
    return org.apache.spark.sql.RowFactory.create(name(e, metadata), (long) e.rows(), e.weight(), e.firstOrder(),
        e.corrected());
  }

  /** A group's name: the source value it was numbered from (metadata's names), else its number. */
  public static String name(Estimate e, java.util.Map<String, Object> metadata) {
    List<?> names = metadata.get("groups") instanceof java.util.Map<?, ?> g && g.get("names") instanceof List<?> l ? l
        : null;
    return names != null && e.group() < names.size() ? String.valueOf(names.get((int) e.group()))
        : String.valueOf((long) e.group());
  }
}
