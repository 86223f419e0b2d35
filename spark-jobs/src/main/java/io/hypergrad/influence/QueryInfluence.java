package io.hypergrad.influence;

import io.hypergrad.estimator.LockstepConjugateGradient;
import io.hypergrad.linalg.DenseCholesky;
import io.hypergrad.model.GlmBilevelProblem;
import io.hypergrad.model.GlmLoss;
import io.hypergrad.prep.table.RowPartition;
import io.hypergrad.estimator.EstimatorSpec;
import io.hypergrad.estimator.LockstepMixedFixedPointKm;
import io.hypergrad.model.GlmLinearSystem;
import io.hypergrad.oracle.CounterSampler;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.spark.ml.linalg.Vector;

/**
 * Per-query attribution: for m query rows (the test split), which training rows raised or lowered
 * each query's loss. The m right-hand sides ∇ℓ(q_j) are solved together — S = A⁻¹G by one Cholesky
 * factor (p within exact_max_p) or by m conjugate-gradient solves in lockstep, one pass per
 * iteration for all of them — and each training row's m scores −(cᵢ/n)∇ℓᵢᵀS_j are computed where
 * the row lives, keeping only each query's top k each way (a bounded selection per partition,
 * merged on the driver), never the n×m matrix.
 */
public final class QueryInfluence {
  private QueryInfluence() {}

  /**
   * One kept score.
   *
   * @param query   the query's index (its position in the query split)
   * @param harmful true for the most positive scores (up-weighting the row raises the query's loss)
   * @param score   −(cᵢ/n)∇ℓᵢᵀA⁻¹∇ℓ(q)
   * @param id      the training row's source id
   */
  public record Entry(int query, boolean harmful, double score, long id) implements Serializable {}

  /** Stronger first: the larger score for harmful, the smaller for helpful; ties by id. */
  static final Comparator<Entry> STRONGER = (Comparator<Entry> & Serializable) (a, b) -> {
    int c = a.harmful() ? Double.compare(b.score(), a.score()) : Double.compare(a.score(), b.score());
    return c != 0 ? c : Long.compare(a.id(), b.id());
  };

  /**
   * What explaining m queries gave: each query's top k training rows each way ({@link #merge}'s
   * order) and how S was solved.
   */
  public record Explained(List<Entry> top, Map<String, Object> solve, double solveSeconds, double scoreSeconds) {}

  /**
   * The engine of {@code influence.target = queries} and of the stage's queries: S = A⁻¹∇ℓ(queries)
   * at x by the settings' method — {@code exact} (A's dense factor, p within exactMaxP), {@code cg}
   * (m solves in lockstep, one pass an iteration for all) or {@code mixed-fp-km} (m chains on the
   * same sampled rows, gathered in one pass, one product of 2m vectors a step) — then one pass over
   * the training partitions keeping each query's top k each way.
   */
  public static Explained explain(GlmBilevelProblem problem, double[] x, List<Vector> features, List<Double> labels,
      InfluenceSolve.Settings settings, int k, JavaRDD<RowPartition> train) {
    int m = features.size();
    int p = problem.p();
    double[] g = queryGradients(problem.loss(), features, labels, x);
    long t0 = System.nanoTime();
    double[] sMatrix;
    Map<String, Object> solve = new LinkedHashMap<>();
    EstimatorSpec spec = settings.spec();
    switch (spec.method()) {
      case EXACT -> {
        InfluenceSolve.requireDense(p, settings.exactMaxP(), "exact factors", "use method = cg or mixed-fp-km");
        sMatrix = solveExact(InfluenceSolve.factor(problem.linearSystemAt(x)), g, m);
        solve.put("method", "exact");
      }
      case CG -> {
        LockstepConjugateGradient.Result cg = solveCg(problem, x, g, m, spec.tol(), Math.max(spec.maxIter(), 1));
        sMatrix = cg.x();
        solve.put("method", "cg (lockstep)");
        solve.put("passes", cg.iterations());
        solve.put("worst_relative_residual", cg.worstResidual());
      }
      case MIXED_FP_KM -> {
        GlmLinearSystem system = problem.linearSystemAt(x);
        CounterSampler sampler = new CounterSampler(settings.seed(), system.rowCount(), settings.batch());
        GlmLinearSystem gathered = system.gathered(sampler, 1, settings.iterations(), false);
        sMatrix = LockstepMixedFixedPointKm.solve(gathered, g, m, spec, sampler, 0, settings.iterations(),
            settings.divergenceFactor());
        solve.put("method", "mixed-fp-km (lockstep)");
        solve.put("label", spec.label());
        solve.put("iterations", settings.iterations());
        solve.put("batch", settings.batch());
        solve.put("worst_relative_residual", worstResidual(problem, x, sMatrix, g, m));
      }
      default -> throw new IllegalArgumentException("influence.target = queries solves its right-hand sides by exact, "
          + "cg or mixed-fp-km (each for all queries at once); " + spec.method().canonicalName() + " for many vectors "
          + "at once is not built");
    }
    double solveSeconds = (System.nanoTime() - t0) / 1e9;
    solve.put("seconds", solveSeconds);
    t0 = System.nanoTime();
    GlmLoss loss = problem.loss();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(train.context());
    Broadcast<double[]> xb = jsc.broadcast(x);
    Broadcast<double[]> sb = jsc.broadcast(sMatrix);
    long n = problem.train().size();
    List<Entry> top = merge(train.map(part -> top(part, loss, xb.value(), sb.value(), m, n, k)).collect(), m, k);
    xb.destroy();
    sb.destroy();
    return new Explained(top, solve, solveSeconds, (System.nanoTime() - t0) / 1e9);
  }

  /** max_j ‖A·S_j − G_j‖/‖G_j‖: one pass of m products over the rows. */
  static double worstResidual(GlmBilevelProblem problem, double[] x, double[] s, double[] g, int m) {
    int p = problem.p();
    double[] as = new double[p * m];
    problem.innerHessianProduct(x, null, s, m, as);
    double worst = 0;
    for (int j = 0; j < m; j++) {
      double num = 0;
      double den = 0;
      for (int i = j * p; i < (j + 1) * p; i++) {
        num += (as[i] - g[i]) * (as[i] - g[i]);
        den += g[i] * g[i];
      }
      worst = Math.max(worst, Math.sqrt(num / Math.max(den, Double.MIN_NORMAL)));
    }
    return worst;
  }

  /** The queries' output rows (the job's Parquet, the stage's DataFrame). */
  public static final org.apache.spark.sql.types.StructType SCHEMA = new org.apache.spark.sql.types.StructType()
      .add("query_index", org.apache.spark.sql.types.DataTypes.IntegerType, false)
      .add("query_id", org.apache.spark.sql.types.DataTypes.LongType, false)
      .add("kind", org.apache.spark.sql.types.DataTypes.StringType, false)
      .add("rank", org.apache.spark.sql.types.DataTypes.IntegerType, false)
      .add("train_id", org.apache.spark.sql.types.DataTypes.LongType, false)
      .add("score", org.apache.spark.sql.types.DataTypes.DoubleType, false);

  /** The explained entries as {@link #SCHEMA}'s rows, query j named by {@code queryIds.get(j)}. */
  public static List<org.apache.spark.sql.Row> rows(List<Entry> top, List<Long> queryIds) {
    List<org.apache.spark.sql.Row> out = new ArrayList<>(top.size());
    int[] ranks = ranks(top);
    for (int i = 0; i < top.size(); i++) {
      Entry e = top.get(i);
      out.add(org.apache.spark.sql.RowFactory.create(e.query(), queryIds.get(e.query()), e.harmful() ? "harmful"
          : "helpful", ranks[i], e.id(), e.score()));
    }
    return out;
  }

  /** The rank of each entry within its query and kind (1 = strongest), in {@link #merge}'s order. */
  public static int[] ranks(List<Entry> top) {
    int[] ranks = new int[top.size()];
    int rank = 0;
    int lastQuery = -1;
    Boolean lastKind = null;
    for (int i = 0; i < top.size(); i++) {
      Entry e = top.get(i);
      rank = e.query() == lastQuery && Boolean.valueOf(e.harmful()).equals(lastKind) ? rank + 1 : 1;
      lastQuery = e.query();
      lastKind = e.harmful();
      ranks[i] = rank;
    }
    return ranks;
  }

  /** G (p×m, column-major): each query's loss gradient at x. */
  public static double[] queryGradients(GlmLoss loss, List<Vector> features, List<Double> labels, double[] x) {
    int p = x.length;
    int m = features.size();
    double[] g = new double[p * m];
    double[] one = new double[p];
    for (int j = 0; j < m; j++) {
      java.util.Arrays.fill(one, 0);
      loss.addGradient(features.get(j), labels.get(j), x, 1.0, one);
      System.arraycopy(one, 0, g, j * p, p);
    }
    return g;
  }

  /** S = A⁻¹G by the dense factor of A. */
  public static double[] solveExact(DenseCholesky a, double[] g, int m) {
    int p = a.size();
    double[] s = new double[p * m];
    for (int j = 0; j < m; j++) {
      System.arraycopy(a.solve(java.util.Arrays.copyOfRange(g, j * p, (j + 1) * p)), 0, s, j * p, p);
    }
    return s;
  }

  /** S = A⁻¹G by m cg solves in lockstep, A·V for all of them in one pass over the rows. */
  public static LockstepConjugateGradient.Result solveCg(GlmBilevelProblem problem, double[] x, double[] g, int m,
      double tol, int maxIter) {
    int p = problem.p();
    return LockstepConjugateGradient.solve((vs, k, out) -> problem.innerHessianProduct(x, null, vs, k, out), g, p, m, tol,
        maxIter);
  }

  /**
   * One partition's top k per query each way. The rows' products with every query's solution come
   * a chunk of rows at a time in one dgemm (dense rows); a score enters a query's selection only
   * when it beats the weakest kept one.
   */
  public static List<Entry> top(RowPartition part, GlmLoss loss, double[] x, double[] s, int m, long n, int k) {
    int outputs = loss.outputs();
    List<PriorityQueue<Entry>> harmful = new ArrayList<>(m);
    List<PriorityQueue<Entry>> helpful = new ArrayList<>(m);
    for (int j = 0; j < m; j++) {
      // the weakest kept entry at the head, to be replaced by a stronger one
      harmful.add(new PriorityQueue<>(k + 1, STRONGER.reversed()));
      helpful.add(new PriorityQueue<>(k + 1, STRONGER.reversed()));
    }
    double[] r = new double[outputs];
    int size = part.size();
    int chunk = Math.max(1, Math.min(part.rows().block().chunkRows(), (1 << 20) / Math.max(1, m * outputs)));
    for (int from = 0; from < size; from += chunk) {
      int len = Math.min(chunk, size - from);
      // M[i + (j·K + c)·len] = aᵢᵀ(S_j)_c: S's m·K blocks of F are the vectors
      double[] products = part.rows().block().products(from, len, s, m * outputs);
      for (int i = 0; i < len; i++) {
        int row = from + i;
        loss.residual(part.rows().row(row), part.rows().label(row), x, r);
        double c = part.rows().instanceWeight(row);
        long id = part.id(row);
        for (int j = 0; j < m; j++) {
          double dot = 0;
          for (int o = 0; o < outputs; o++) {
            if (r[o] != 0) {
              dot += r[o] * products[i + (j * outputs + o) * len];
            }
          }
          double score = part.weighted() ? -(c * dot) / n : -dot / n;
          offer(harmful.get(j), j, true, score, id, k);
          offer(helpful.get(j), j, false, score, id, k);
        }
      }
    }
    List<Entry> out = new ArrayList<>();
    for (int j = 0; j < m; j++) {
      out.addAll(harmful.get(j));
      out.addAll(helpful.get(j));
    }
    return out;
  }

  private static void offer(PriorityQueue<Entry> heap, int query, boolean harmful, double score, long id, int k) {
    if (heap.size() == k) {
      Entry weakest = heap.peek();
      // most rows are weaker than the weakest kept: no entry is made for them
      if (harmful ? score < weakest.score() : score > weakest.score()) {
        return;
      }
    }
    heap.add(new Entry(query, harmful, score, id));
    if (heap.size() > k) {
      heap.poll();
    }
  }

  /** Every partition's entries merged: per query, the k most harmful (strongest first), then the k most helpful. */
  public static List<Entry> merge(List<List<Entry>> parts, int m, int k) {
    List<List<Entry>> harmful = new ArrayList<>();
    List<List<Entry>> helpful = new ArrayList<>();
    for (int j = 0; j < m; j++) {
      harmful.add(new ArrayList<>());
      helpful.add(new ArrayList<>());
    }
    for (List<Entry> part : parts) {
      for (Entry e : part) {
        (e.harmful() ? harmful : helpful).get(e.query()).add(e);
      }
    }
    List<Entry> out = new ArrayList<>();
    for (int j = 0; j < m; j++) {
      for (List<Entry> list : List.of(harmful.get(j), helpful.get(j))) {
        list.sort(STRONGER);
        out.addAll(list.subList(0, Math.min(k, list.size())));
      }
    }
    return out;
  }
}
