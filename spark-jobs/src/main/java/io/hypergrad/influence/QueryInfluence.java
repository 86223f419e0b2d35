package io.hypergrad.influence;

import io.hypergrad.estimator.LockstepConjugateGradient;
import io.hypergrad.linalg.DenseCholesky;
import io.hypergrad.model.GlmBilevelProblem;
import io.hypergrad.model.GlmLoss;
import io.hypergrad.prep.table.RowPartition;
import java.io.Serializable;
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
