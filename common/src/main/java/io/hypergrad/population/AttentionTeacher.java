package io.hypergrad.population;

import java.util.random.RandomGenerator;

/**
 * HPM's teacher (Tao et al., NeurIPS 2020): it mutates a copied student by learning, per
 * hyperparameter, how far to trust the population's hypergradients over a random perturbation.
 *
 * <p>The paper gives the idea — an attention model over the students' hyperparameters and
 * hypergradients that learns a mutation schedule on the fly — but its equations could not be
 * recovered; this form is reconstructed, and each choice is stated here. For a copy of parent j,
 * per hyperparameter d:
 * <ul>
 *   <li>every top student i offers a key z = [λ_id − λ_jd, ĝ_id] (its offset from the parent and
 *       its hypergradient ĝ, normalised by the student's own RMS so students of different scales
 *       compare); the query is [1, ĝ_jd]; attention a_i = softmax_i((W_q·query)·(W_k·z)/√2), with
 *       W_q, W_k 2×2 and shared by all hyperparameters;
 *   <li>the attended descent direction u_d = −Σ_i a_i ĝ_id;
 *   <li>a gate w_d = sigmoid(θ_d) per hyperparameter — the learned schedule between hypergradient
 *       and random search;
 *   <li>the mutation δ_d ~ N(σ·w_d·u_d, (σ·(1 − (1 − f)·w_d))²), f = {@value #FLOOR}: w = 0 is
 *       PBT's random perturbation, w → 1 a step of size σ along the attended hypergradient.
 * </ul>
 * The teacher learns by policy gradient (REINFORCE) on the mutation's outcome: the reward is how far
 * the child's validation loss, one round later, fell below its parent's at the copy; the advantage
 * is the reward standardised by running statistics (decay {@value #STAT_DECAY}), and each parameter
 * moves by lr·mean(advantage·∂log p(δ)/∂parameter), clipped to ±1 per round. The attention's
 * gradient is averaged over the hyperparameters, the gates' are their own. Initially W_q attends
 * only to hypergradient agreement (W_q = [[0,0],[0,1]], W_k = I) and every gate is ½.
 */
public final class AttentionTeacher implements Mutator {
  static final double FLOOR = 0.05;
  static final double STAT_DECAY = 0.9;
  private static final double ROOT2 = Math.sqrt(2);

  private final double sigma;
  private final double lr;
  // θ (q gate logits), W_q (row-major 2×2), W_k (2×2)
  private final double[] params;
  private final int q;
  // running reward mean and variance, and how many rewards they have seen
  private double mean;
  private double variance;
  private double seen;

  public AttentionTeacher(int q, double sigma, double lr) {
    if (!(sigma > 0)) {
      throw new IllegalArgumentException("the mutation scale must be > 0, got " + sigma);
    }
    if (!(lr >= 0)) {
      throw new IllegalArgumentException("the teacher's learning rate must be ≥ 0, got " + lr);
    }
    this.q = q;
    this.sigma = sigma;
    this.lr = lr;
    this.params = new double[q + 8];
    params[q + 3] = 1; // W_q = [[0, 0], [0, 1]]
    params[q + 4] = 1; // W_k = I
    params[q + 7] = 1;
  }

  /** The gate w_d = sigmoid(θ_d): how far hyperparameter d's mutation follows the hypergradient. */
  public double gate(int d) {
    return sigmoid(params[d]);
  }

  @Override
  public Mutation mutate(int parent, int[] top, double[][] lambdas, double[][] hypergradients, RandomGenerator rng) {
    double[] xi = new double[q];
    for (int d = 0; d < q; d++) {
      xi[d] = rng.nextGaussian();
    }
    return mutate(parent, top, lambdas, hypergradients, xi);
  }

  /** The mutation with the standard normal draws given (one per hyperparameter). */
  Mutation mutate(int parent, int[] top, double[][] lambdas, double[][] hypergradients, double[] xi) {
    double[] lj = lambdas[parent];
    double[] gj = normalised(hypergradients[parent]);
    double[][] g = new double[top.length][];
    for (int i = 0; i < top.length; i++) {
      g[i] = top[i] == parent ? gj : normalised(hypergradients[top[i]]);
    }
    double[] out = lj.clone();
    double[] grad = new double[q + 8];
    double[] a = new double[top.length];
    double[][] kz = new double[top.length][2];
    double[][] z = new double[top.length][2];
    for (int d = 0; d < q; d++) {
      double q0 = 1;
      double q1 = gj[d];
      double qv0 = params[q] * q0 + params[q + 1] * q1;
      double qv1 = params[q + 2] * q0 + params[q + 3] * q1;
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < top.length; i++) {
        z[i][0] = lambdas[top[i]][d] - lj[d];
        z[i][1] = g[i][d];
        kz[i][0] = params[q + 4] * z[i][0] + params[q + 5] * z[i][1];
        kz[i][1] = params[q + 6] * z[i][0] + params[q + 7] * z[i][1];
        a[i] = (qv0 * kz[i][0] + qv1 * kz[i][1]) / ROOT2;
        max = Math.max(max, a[i]);
      }
      double sum = 0;
      for (int i = 0; i < top.length; i++) {
        a[i] = Math.exp(a[i] - max);
        sum += a[i];
      }
      double u = 0;
      for (int i = 0; i < top.length; i++) {
        a[i] /= sum;
        u -= a[i] * g[i][d];
      }
      double w = sigmoid(params[d]);
      double m = sigma * w * u;
      double s = sigma * (1 - (1 - FLOOR) * w);
      double delta = m + s * xi[d];
      out[d] = lj[d] + delta;
      // ∂log N(δ; m, s²): by m (δ − m)/s² = ξ/s, by s (ξ² − 1)/s
      double dm = xi[d] / s;
      double ds = (xi[d] * xi[d] - 1) / s;
      double dw = dm * sigma * u - ds * sigma * (1 - FLOOR);
      grad[d] = dw * w * (1 - w);
      double du = dm * sigma * w;
      for (int i = 0; i < top.length; i++) {
        // u = −Σ a_i ĝ_i, so ∂u/∂score_i = −a_i (ĝ_i + u)
        double dScore = du * -a[i] * (g[i][d] + u) / ROOT2 / q;
        grad[q] += dScore * kz[i][0] * q0;
        grad[q + 1] += dScore * kz[i][0] * q1;
        grad[q + 2] += dScore * kz[i][1] * q0;
        grad[q + 3] += dScore * kz[i][1] * q1;
        grad[q + 4] += dScore * qv0 * z[i][0];
        grad[q + 5] += dScore * qv0 * z[i][1];
        grad[q + 6] += dScore * qv1 * z[i][0];
        grad[q + 7] += dScore * qv1 * z[i][1];
      }
    }
    return new Mutation(out, grad);
  }

  /**
   * log N(δ; m, s²) summed over the hyperparameters, up to a constant: what {@link
   * Mutation#scoreGradient} differentiates, its attention part divided by q (tests).
   */
  double logDensity(int parent, int[] top, double[][] lambdas, double[][] hypergradients, double[] mutated) {
    double total = 0;
    double[] zero = new double[q];
    double[] mean = mutate(parent, top, lambdas, hypergradients, zero).lambda();
    for (int d = 0; d < q; d++) {
      double s = sigma * (1 - (1 - FLOOR) * sigmoid(params[d]));
      double r = (mutated[d] - mean[d]) / s;
      total += -0.5 * r * r - Math.log(s);
    }
    return total;
  }

  @Override
  public void learn(double[][] scoreGradients, double[] rewards) {
    int n = 0;
    for (double r : rewards) {
      if (Double.isFinite(r)) {
        // the first rewards set the statistics, later ones move them
        double decay = seen == 0 ? 0 : STAT_DECAY;
        double diff = r - mean;
        mean += (1 - decay) * diff;
        variance = decay * variance + (1 - decay) * decay * diff * diff;
        seen++;
        n++;
      }
    }
    if (n == 0 || !(variance > 0) || lr == 0) {
      return;
    }
    double[] step = new double[params.length];
    for (int c = 0; c < rewards.length; c++) {
      if (!Double.isFinite(rewards[c])) {
        continue;
      }
      double advantage = (rewards[c] - mean) / Math.sqrt(variance);
      for (int k = 0; k < step.length; k++) {
        step[k] += advantage * scoreGradients[c][k] / n;
      }
    }
    for (int k = 0; k < step.length; k++) {
      if (Double.isFinite(step[k])) {
        params[k] += Math.max(-1, Math.min(1, lr * step[k]));
      }
    }
  }

  @Override
  public double[] state() {
    double[] out = java.util.Arrays.copyOf(params, params.length + 3);
    out[params.length] = mean;
    out[params.length + 1] = variance;
    out[params.length + 2] = seen;
    return out;
  }

  @Override
  public void restore(double[] state) {
    if (state.length != params.length + 3) {
      throw new IllegalArgumentException("a teacher state for q = " + (state.length - 11) + ", not q = " + q);
    }
    System.arraycopy(state, 0, params, 0, params.length);
    mean = state[params.length];
    variance = state[params.length + 1];
    seen = state[params.length + 2];
  }

  /** The parameters (a copy; tests). */
  double[] params() {
    return params.clone();
  }

  /** Sets the parameters (tests). */
  void setParams(double[] p) {
    System.arraycopy(p, 0, params, 0, params.length);
  }

  /** g / RMS(g); zeros when g is zero or not finite. */
  static double[] normalised(double[] g) {
    double ss = 0;
    for (double v : g) {
      ss += v * v;
    }
    double rms = Math.sqrt(ss / Math.max(1, g.length));
    double[] out = new double[g.length];
    if (rms > 0 && Double.isFinite(rms)) {
      for (int d = 0; d < g.length; d++) {
        out[d] = g[d] / rms;
      }
    }
    return out;
  }

  private static double sigmoid(double t) {
    return 1 / (1 + Math.exp(-t));
  }
}
