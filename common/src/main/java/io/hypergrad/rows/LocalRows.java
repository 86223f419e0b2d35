package io.hypergrad.rows;

import io.hypergrad.model.DenseGlmHessian;
import io.hypergrad.model.GlmLoss;
import io.hypergrad.model.InstanceWeights;
import io.hypergrad.model.LabeledRows;
import io.hypergrad.model.RowBlock;
import io.hypergrad.model.Rows;
import io.hypergrad.oracle.CounterSampler;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;

/**
 * Rows held in this JVM: a whole split (the driver plan), one Spark partition's contiguous range
 * of it, or the rows gathered for a chain task. Full-batch sums run over the {@link RowBlock} (BLAS
 * for dense rows, CSR for sparse); sampled sums run row by row in the order drawn. Rows are addressed
 * by split index: a contiguous range skips indices it does not hold (a partition's share of a
 * minibatch), gathered rows refuse them (they were not gathered). A row's fixed instance weight
 * (when the rows have them) multiplies its term in every sum, full-batch or sampled.
 */
public final class LocalRows implements RowSource, Serializable {
  private static final long serialVersionUID = 1L;

  private final RowBlock block;
  private final double[] labels;
  // per-row vectors for the sampled sums; null: copies from the block (a partition's rows are stored once)
  private final Vector[] vectors;
  private final int featureCount;
  // contiguous rows start … start + size − 1, or (index != null) the gathered rows' split indices
  private final int start;
  private final int[] index;
  private final int splitSize;
  private transient volatile int[] toLocal;

  private LocalRows(RowBlock block, double[] labels, Vector[] vectors, int featureCount, int start, int[] index,
      int splitSize) {
    this.block = block;
    this.labels = labels;
    this.vectors = vectors;
    this.featureCount = featureCount;
    this.start = start;
    this.index = index;
    this.splitSize = splitSize;
  }

  /** A whole split. */
  public static LocalRows of(LabeledRows rows) {
    return new LocalRows(RowBlock.of(rows.features(), rows.labels(), rows.weights(), rows.featureCount()), rows.labels(),
        rows.features(), rows.featureCount(), 0, null, rows.size());
  }

  /** Rows start … start + features.length − 1 of a split (one partition), stored once as a block. */
  public static LocalRows range(int start, Vector[] features, double[] labels) {
    return range(start, features, labels, null);
  }

  /** As {@link #range(int, Vector[], double[])} with each row's instance weight (null: all 1). */
  public static LocalRows range(int start, Vector[] features, double[] labels, double[] instanceWeights) {
    int f = features.length == 0 ? 0 : features[0].size();
    return new LocalRows(RowBlock.of(features, labels, instanceWeights, f), labels.clone(), null, f, start, null,
        start + labels.length);
  }

  /** The same rows (the features shared) with their instance weights times {@code factor}. */
  public LocalRows withWeightsScaled(double factor) {
    RowBlock scaled = block.withWeightsScaled(factor);
    return scaled == block ? this : new LocalRows(scaled, labels, vectors, featureCount, start, index, splitSize);
  }

  /** The same rows (sharing their block) as rows start … start + size − 1 of their split. */
  public LocalRows startingAt(int newStart) {
    if (index != null) {
      throw new IllegalStateException("gathered rows have no range to move");
    }
    return new LocalRows(block, labels, vectors, featureCount, newStart, null, newStart + labels.length);
  }

  /** Rows gathered from a split of {@code splitSize} rows. */
  public static LocalRows gathered(GatheredRows rows, int splitSize, int featureCount) {
    boolean whole = rows.size() == splitSize;
    return new LocalRows(RowBlock.of(rows.features(), rows.labels(), rows.weights(), featureCount), rows.labels(),
        rows.features(), featureCount, 0, whole ? null : rows.index(), splitSize);
  }

  @Override
  public int size() {
    return labels.length;
  }

  @Override
  public int splitSize() {
    return splitSize;
  }

  @Override
  public int featureCount() {
    return featureCount;
  }

  public RowBlock block() {
    return block;
  }

  public int start() {
    return start;
  }

  public double label(int local) {
    return labels[local];
  }

  public Vector row(int local) {
    return vectors != null ? vectors[local] : block.row(local);
  }

  /** Held row {@code local}'s instance weight cᵢ (1 when the rows have none). */
  public double instanceWeight(int local) {
    return block.instanceWeight(local);
  }

  /** {@code scale}·cᵢ of held row {@code local}; exactly {@code scale} when the rows have no weights. */
  private double weighted(int local, double scale) {
    return InstanceWeights.times(block.instanceWeights(), local, scale);
  }

  @Override
  public RowWeights weights(double[] values) {
    return RowWeights.local(values);
  }

  @Override
  public boolean local() {
    return true;
  }

  @Override
  public RowSource gather(CounterSampler sampler, int chains, long from, long to, boolean all) {
    return this;
  }

  /** The split index of held row {@code local}. */
  private int splitIndex(int local) {
    return index == null ? start + local : index[local];
  }

  /** The held row of split index i; −1 when a contiguous range does not hold it. */
  private int local(int i) {
    if (index == null) {
      int l = i - start;
      return l >= 0 && l < labels.length ? l : -1;
    }
    int[] map = toLocal;
    if (map == null) {
      map = buildToLocal();
    }
    int l = i >= 0 && i < map.length ? map[i] : -1;
    if (l < 0) {
      throw new IllegalStateException("row " + i + " was sampled but not gathered");
    }
    return l;
  }

  private synchronized int[] buildToLocal() {
    if (toLocal == null) {
      int[] map = new int[splitSize];
      Arrays.fill(map, -1);
      for (int m = 0; m < index.length; m++) {
        map[index[m]] = m;
      }
      toLocal = map;
    }
    return toLocal;
  }

  /** The block sums' weights and their offset: split-indexed when contiguous, compacted for a subset. */
  private double[] blockWeights(RowWeights w) {
    double[] values = RowWeights.valuesOf(w);
    if (values == null || index == null) {
      return values;
    }
    double[] compact = new double[index.length];
    for (int m = 0; m < index.length; m++) {
      compact[m] = values[index[m]];
    }
    return compact;
  }

  private int blockOffset() {
    return index == null ? start : 0;
  }

  @Override
  public double weightedLoss(GlmLoss loss, double[] x, RowWeights w) {
    return block.weightedLoss(loss, x, blockWeights(w), blockOffset());
  }

  @Override
  public double addLossAndGradient(GlmLoss loss, double[] x, RowWeights w, double divisor, double[] out) {
    return block.addLossAndGradient(loss, x, blockWeights(w), blockOffset(), divisor, out);
  }

  @Override
  public void addGradient(GlmLoss loss, double[] x, RowWeights w, double divisor, int[] rows, double[] out) {
    if (rows == null) {
      block.addGradient(loss, x, blockWeights(w), blockOffset(), divisor, out);
      return;
    }
    double[] wv = RowWeights.valuesOf(w);
    for (int i : rows) {
      int l = local(i);
      if (l >= 0) {
        loss.addGradient(row(l), labels[l], x, weighted(l, RowWeights.at(wv, i) / divisor), out);
      }
    }
  }

  @Override
  public void addHessianProduct(GlmLoss loss, double[] x, RowWeights w, double divisor, int[] rows, double[] vs, int k,
      double[] out) {
    if (rows == null) {
      block.addHessianProduct(loss, x, blockWeights(w), blockOffset(), divisor, vs, k, out);
      return;
    }
    double[] wv = RowWeights.valuesOf(w);
    for (int i : rows) {
      int l = local(i);
      if (l >= 0) {
        loss.addHessianProduct(row(l), labels[l], x, weighted(l, RowWeights.at(wv, i) / divisor), vs, k, out);
      }
    }
  }

  @Override
  public List<double[]> hessianProducts(GlmLoss loss, double[] x, RowWeights w, List<SampledRequest> requests, int p) {
    List<double[]> out = new ArrayList<>(requests.size());
    for (SampledRequest r : requests) {
      double[] one = new double[p * r.k()];
      addHessianProduct(loss, x, w, r.rows().length, r.rows(), r.vectors(), r.k(), one);
      out.add(one);
    }
    return out;
  }

  @Override
  public void addDenseHessian(GlmLoss loss, double[] x, RowWeights w, double divisor, double[] out) {
    double[] wv = RowWeights.valuesOf(w);
    double[] coefficients = new double[labels.length];
    Vector[] rows = new Vector[labels.length];
    for (int l = 0; l < labels.length; l++) {
      coefficients[l] = weighted(l, RowWeights.at(wv, splitIndex(l)) / divisor);
      rows[l] = row(l);
    }
    double[] h = DenseGlmHessian.of(loss, rows, labels, coefficients, featureCount, x);
    for (int j = 0; j < h.length; j++) {
      out[j] += h[j];
    }
  }

  @Override
  public double[] lossAndCorrect(GlmLoss loss, double[] x) {
    return block.lossAndCorrect(loss, x);
  }

  @Override
  public PerRowCross perRowCross(GlmLoss loss, double[] x, RowWeights derivatives, double divisor, boolean blockMargins) {
    double[] residuals = residuals(loss, x);
    return (z, out) -> crossFromResiduals(loss.outputs(), residuals, RowWeights.valuesOf(derivatives), divisor, blockMargins,
        z, out, false);
  }

  /** (B·z)ᵢ of the rows held, in order (a partition's slice): residuals at x and margins row by row. */
  public double[] crossSlice(GlmLoss loss, double[] x, RowWeights derivatives, double divisor, double[] z) {
    double[] out = new double[labels.length];
    crossFromResiduals(loss.outputs(), residuals(loss, x), RowWeights.valuesOf(derivatives), divisor, false, z, out, true);
    return out;
  }

  /** ∂ℓᵢ/∂m for every row held (size×K, row-major), at x. */
  private double[] residuals(GlmLoss loss, double[] x) {
    int k = loss.outputs();
    double[] r = new double[labels.length * k];
    double[] one = new double[k];
    for (int l = 0; l < labels.length; l++) {
      loss.residual(row(l), labels[l], x, one);
      System.arraycopy(one, 0, r, l * k, k);
    }
    return r;
  }

  /** (w'ᵢ/divisor)·Σ_c rᵢ_c·(aᵢᵀz_c) into out[i] (split index), or out[local] when {@code sliced}. */
  private void crossFromResiduals(int k, double[] residuals, double[] derivatives, double divisor, boolean blockMargins,
      double[] z, double[] out, boolean sliced) {
    int n = labels.length;
    double[] margins = blockMargins && block.dense() ? block.margins(z, k) : null;
    for (int l = 0; l < n; l++) {
      double dot = 0;
      for (int c = 0; c < k; c++) {
        double r = residuals[l * k + c];
        if (r != 0) {
          dot += r * (margins != null ? margins[c * n + l] : Rows.dot(row(l), z, c * featureCount));
        }
      }
      int i = splitIndex(l);
      out[sliced ? l : i] = weighted(l, RowWeights.at(derivatives, i) / divisor) * dot;
    }
  }

  @Override
  public void addSampledCross(GlmLoss loss, double[] x, RowWeights derivatives, double divisor, int[] rows, double[] z,
      double[] out) {
    double[] dv = RowWeights.valuesOf(derivatives);
    int k = loss.outputs();
    double[] r = new double[k];
    for (int i : rows) {
      int l = local(i);
      if (l < 0) {
        continue;
      }
      Vector a = row(l);
      loss.residual(a, labels[l], x, r);
      double dot = 0;
      for (int c = 0; c < k; c++) {
        if (r[c] != 0) {
          dot += r[c] * Rows.dot(a, z, c * featureCount);
        }
      }
      out[i] += weighted(l, RowWeights.at(dv, i) / divisor) * dot;
    }
  }

  /**
   * The held rows that chains 0 … chains−1 of {@code sampler} draw in iterations from … to − 1
   * (every row when {@code all}), in split order: a partition's piece of a gathering pass.
   */
  public GatheredRows drawn(CounterSampler sampler, int chains, long from, long to, boolean all) {
    boolean[] drawn = new boolean[labels.length];
    if (all) {
      Arrays.fill(drawn, true);
    } else {
      int[] buf = sampler.newRowBuffer();
      for (int chain = 0; chain < chains; chain++) {
        for (long t = from; t < to; t++) {
          sampler.rows(chain, t, buf);
          for (int i : buf) {
            int l = index == null ? i - start : -1;
            if (l >= 0 && l < labels.length) {
              drawn[l] = true;
            }
          }
        }
      }
    }
    int count = 0;
    for (boolean b : drawn) {
      count += b ? 1 : 0;
    }
    int[] at = new int[count];
    Vector[] f = new Vector[count];
    double[] y = new double[count];
    double[] c = block.instanceWeights() == null ? null : new double[count];
    for (int l = 0, m = 0; l < labels.length; l++) {
      if (drawn[l]) {
        at[m] = splitIndex(l);
        f[m] = row(l);
        y[m] = labels[l];
        if (c != null) {
          c[m] = instanceWeight(l);
        }
        m++;
      }
    }
    return new GatheredRows(at, f, y, c);
  }
}
