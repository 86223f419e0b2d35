package io.hypergrad.hpo;

import io.hypergrad.config.InvalidConfigException;
import io.hypergrad.config.JobConfig;
import io.hypergrad.estimator.DivergenceException;
import io.hypergrad.linalg.Blas;
import io.hypergrad.model.GlmBilevelProblem;
import io.hypergrad.optim.Optimizer;
import io.hypergrad.optim.SignStepWithDecay;
import io.hypergrad.oracle.CounterSampler;
import io.hypergrad.rows.RowSource;
import io.hypergrad.trajectory.ForwardModeSgd;
import io.hypergrad.trajectory.SgdMomentumSchedule;
import io.hypergrad.trajectory.TrajectoryOracle;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code hpo} with {@code method = fds} (Micaelli &amp; Storkey, NeurIPS 2021): the hyperparameters
 * are the inner optimiser's own — a learning-rate, momentum and weight-decay schedule, each shared
 * over {@code fds.*_windows} contiguous windows of a {@code fds.horizon}-step SGD-with-momentum
 * training from θ₀ = 0 — and every outer step trains the model through the whole horizon with the
 * current schedule, carrying the forward-mode tangents ({@link ForwardModeSgd}), reads the
 * hypergradient of the validation loss at the end and moves each learned window by FDS's sign step
 * ({@link SignStepWithDecay}). λ in the history and checkpoint is the flat schedule (α windows, μ,
 * ξ); a row's losses are those of the model the step trained, i.e. of the schedule before its update,
 * as in the reference code. The problem's own regulariser (hyper_model at λ₀) stays fixed.
 *
 * <p>Reconstructed from the public code: the defaults (7 learning-rate windows, one momentum and one
 * weight decay, all starting at 0; steps 0.1, 0.1 and 3e-4; decay 0.5 on a sign flip). Left out:
 * its optional clamping of the minibatch gradients and of the Hessian-tangent products (a smooth
 * GLM needs neither, and without them the hypergradient is the exact derivative of the trajectory,
 * which the tests check), and its fresh train/validation split per outer step (here each outer step
 * draws a fresh minibatch stream, seeded by the step number, so a resumed run repeats it exactly).
 * On a distributed plan the rows a trajectory draws are gathered from the executors in one pass,
 * and the final validation gradient is one distributed pass.
 */
final class FdsScheduleTuning implements OuterMethod {
  static final String METHOD = "fds";
  /** What λ is, in lambda.json. */
  static final String LAMBDA_NAME = "sgd-schedule: learning-rate windows, momentum windows, weight-decay windows";

  private final HpoSettings s;
  private final HpoProblem problem;
  private final int horizon;
  private final boolean[] learned;
  private final double momentumMax;
  private final SignStepWithDecay outer;
  private SgdMomentumSchedule schedule;
  private double[] x;
  private double[] lastHypergradient;

  FdsScheduleTuning(JobConfig cfg, HpoSettings s, HpoProblem problem) {
    this.s = s;
    this.problem = problem;
    horizon = cfg.getPositiveInt("fds.horizon");
    int[] windows = {cfg.getPositiveInt("fds.lr_windows"), cfg.getPositiveInt("fds.momentum_windows"),
        cfg.getPositiveInt("fds.weight_decay_windows")};
    for (int w : windows) {
      if (w > horizon) {
        throw new InvalidConfigException(cfg.where("fds.horizon") + ": " + w + " windows do not fit in a horizon of "
            + horizon + " steps");
      }
    }
    momentumMax = cfg.getDouble("fds.momentum_max");
    if (!(momentumMax >= 0 && momentumMax < 1)) {
      throw new InvalidConfigException(cfg.where("fds.momentum_max") + ": must be in [0, 1), got " + momentumMax);
    }
    schedule = SgdMomentumSchedule.constant(cfg.getDouble("fds.lr_init"), cfg.getDouble("fds.momentum_init"),
        cfg.getDouble("fds.weight_decay_init"), windows, horizon);
    schedule = schedule.with(clamp(schedule.flat()));
    List<String> learn = cfg.has("fds.learn") ? cfg.getStringList("fds.learn") : List.of("lr", "momentum", "weight_decay");
    for (String g : learn) {
      if (!List.of("lr", "momentum", "weight_decay").contains(g)) {
        throw new InvalidConfigException(cfg.where("fds.learn") + ": unknown group '" + g
            + "'; expected lr, momentum or weight_decay");
      }
    }
    learned = new boolean[schedule.size()];
    double[] steps = new double[schedule.size()];
    int at = 0;
    String[] groups = {"lr", "momentum", "weight_decay"};
    for (int g = 0; g < 3; g++) {
      double step = cfg.getDouble("fds." + groups[g] + "_step");
      if (!(step > 0)) {
        throw new InvalidConfigException(cfg.where("fds." + groups[g] + "_step") + ": must be > 0, got " + step);
      }
      for (int w = 0; w < windows[g]; w++, at++) {
        learned[at] = learn.contains(groups[g]);
        steps[at] = step;
      }
    }
    try {
      outer = new SignStepWithDecay(steps, cfg.getDouble("fds.step_decay"));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(cfg.where("fds.step_decay") + ": " + e.getMessage(), e);
    }
    x = new double[problem.p()];
  }

  /** Keeps a schedule where SGD with momentum is defined: α ≥ 0, 0 ≤ μ ≤ fds.momentum_max, ξ ≥ 0. */
  private double[] clamp(double[] h) {
    int wa = schedule.lr().length;
    int wm = schedule.momentum().length;
    for (int j = 0; j < h.length; j++) {
      h[j] = j >= wa && j < wa + wm ? Math.min(momentumMax, Math.max(0, h[j])) : Math.max(0, h[j]);
    }
    return h;
  }

  @Override
  public Progress start() {
    return new Progress(Double.NaN, innerNorm(), 0, 0);
  }

  @Override
  public void restore(HpoCheckpoint.State state, String location) {
    if (state.lambda().length != schedule.size() || state.x().length != x.length
        || !state.methodState().containsKey("steps") || !state.methodState().containsKey("signs")) {
      throw new IllegalStateException("checkpoint " + location + " does not hold an fds schedule of " + schedule.size()
          + " windows; pass --overwrite to start over");
    }
    schedule = schedule.with(state.lambda());
    x = state.x().clone();
    outer.restore(state.methodState().get("steps"), state.methodState().get("signs"));
  }

  @Override
  public Progress step(int k) {
    long seed = CounterSampler.streamKey(s.seed(), 2, k);
    CounterSampler sampler = new CounterSampler(seed, problem.rowCount(), s.batch());
    GlmBilevelProblem full = problem.glm();
    RowSource drawn = full.train().gather(sampler, 1, 0, horizon, false);
    GlmBilevelProblem rows = drawn == full.train() ? full : full.withRows(drawn, full.validation());
    ForwardModeSgd.Result r;
    try {
      r = ForwardModeSgd.run(TrajectoryOracle.of(rows, full), schedule, new double[problem.p()], seed, s.batch());
    } finally {
      if (rows != full) {
        rows.release();
      }
    }
    if (!OuterLoop.allFinite(r.x()) || !OuterLoop.allFinite(r.hypergradient())) {
      throw new DivergenceException("fds: the training at outer step " + k + " diverged (θ or the hypergradient is not "
          + "finite); lower fds.lr_step or fds.lr_init", Double.NaN);
    }
    x = r.x();
    lastHypergradient = r.hypergradient();
    double[] h = schedule.flat();
    outer.apply(h, lastHypergradient, learned);
    schedule = schedule.with(clamp(h));
    return new Progress(Blas.norm(lastHypergradient), innerNorm(), (long) horizon * s.batch()
        + problem.validationRowCount(), 0);
  }

  private double innerNorm() {
    double[] g = new double[problem.p()];
    problem.inner().gradient(x, g);
    return Blas.norm(g);
  }

  @Override
  public double[] lambda() {
    return schedule.flat();
  }

  @Override
  public double[] x() {
    return x;
  }

  @Override
  public HpoCheckpoint.State state(int step, long samples, double seconds, List<double[]> history) {
    Map<String, double[]> m = new LinkedHashMap<>();
    m.put("steps", outer.steps());
    m.put("signs", outer.signs());
    return new HpoCheckpoint.State(step, schedule.flat(), x, Optimizer.State.NONE, Optimizer.State.NONE, s.seed(),
        samples, seconds, history, m);
  }

  @Override
  public String stepName() {
    return "outer step";
  }

  @Override
  public Map<String, Object> summary(int steps) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("fds_horizon", horizon);
    m.put("fds_lr", schedule.lr());
    m.put("fds_momentum", schedule.momentum());
    m.put("fds_weight_decay", schedule.weightDecay());
    m.put("fds_step_sizes", outer.steps());
    if (lastHypergradient != null) {
      m.put("fds_last_hypergradient", lastHypergradient);
    }
    m.put("fds_learned", Arrays.toString(learned));
    return m;
  }
}
