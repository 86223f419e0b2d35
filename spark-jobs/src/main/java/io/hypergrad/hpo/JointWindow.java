package io.hypergrad.hpo;

import io.hypergrad.bilevel.BilevelOracle;
import io.hypergrad.bilevel.JointMethod;
import io.hypergrad.bilevel.JointSettings;
import io.hypergrad.config.InvalidConfigException;
import io.hypergrad.config.JobConfig;
import io.hypergrad.estimator.DivergenceException;
import io.hypergrad.linalg.Blas;
import io.hypergrad.optim.Optimizer;
import io.hypergrad.oracle.CounterSampler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The joint single-loop methods of {@code hpo} (SOBA, NBO-GD, NSBO-SGD, NHGD): x, the linear-system
 * variable and λ move together every iteration; one history row (and checkpoint) per window of
 * {@code joint.eval_every} iterations, whose minibatch rows the oracle gathers first.
 */
final class JointWindow implements OuterMethod {

  private final HpoSettings s;
  private final JointSettings js;
  private final int every;
  private final int outerBatch;
  private final BilevelOracle oracle;
  private final JointMethod method;
  private final CounterSampler inner;
  private final CounterSampler outer;
  private final long perIteration;

  JointWindow(JobConfig cfg, HpoSettings s, HpoProblem problem) {
    this.s = s;
    try {
      js = new JointSettings(cfg.getDouble("joint.step_size"), cfg.getDouble("joint.outer_ratio"),
          cfg.getInt("joint.newton_steps"), cfg.getDouble("joint.fisher_smoothing"),
          cfg.getPositiveInt("joint.fisher_samples", s.batch()), cfg.getPositiveInt("joint.fisher_blocks"),
          cfg.getPositiveInt("joint.fisher_refresh"));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(cfg.where("joint") + ": " + e.getMessage(), e);
    }
    every = cfg.getPositiveInt("joint.eval_every");
    outerBatch = cfg.getPositiveInt("joint.outer_batch", s.batch());
    try {
      oracle = problem.jointOracle();
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(cfg.where("problem.hyper_model") + ": " + e.getMessage(), e);
    }
    try {
      method = JointMethod.named(s.method(), oracle, new double[oracle.p()], problem.lambda(), js);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(cfg.where("joint") + ": " + e.getMessage(), e);
    }
    inner = new CounterSampler(s.seed(), oracle.trainRows(), s.batch());
    outer = new CounterSampler(CounterSampler.streamKey(s.seed(), 1, 0), oracle.validationRows(), outerBatch);
    perIteration = method.stochastic()
        ? (long) s.batch() * (s.method().equals("nsbo-sgd") ? 2 : 1) + outerBatch
        : 2L * oracle.trainRows() + oracle.validationRows();
  }

  @Override
  public Progress start() {
    return new Progress(Double.NaN, innerNorm(), 0, 0);
  }

  @Override
  public void restore(HpoCheckpoint.State state, String location) {
    method.restore(state.methodState());
  }

  @Override
  public Progress step(int k) {
    long from = (long) (k - 1) * every;
    oracle.prepare(inner, outer, from, from + every);
    int[] i1 = inner.newRowBuffer();
    int[] i2 = inner.newRowBuffer();
    int[] o = outer.newRowBuffer();
    for (long t = from; t < from + every; t++) {
      inner.rows(0, t, i1);
      inner.rows(1, t, i2);
      outer.rows(0, t, o);
      try {
        method.step(t, i1, i2, o);
      } catch (IllegalArgumentException e) {
        // a hyper-model refuses a non-finite λ, a Cholesky a matrix no longer positive definite
        throw new DivergenceException(s.method() + " diverged at iteration " + t + " (" + e.getMessage()
            + "); lower joint.step_size or raise joint.outer_ratio", Double.NaN);
      }
    }
    if (!OuterLoop.allFinite(method.lambda()) || !OuterLoop.allFinite(method.x())) {
      throw new DivergenceException(s.method() + " diverged before iteration " + (from + every)
          + " (λ or x is not finite); lower joint.step_size or raise joint.outer_ratio", Double.NaN);
    }
    return new Progress(Blas.norm(method.lastHypergradient()), innerNorm(), perIteration * every, 0);
  }

  /** ‖∇ₓg(x, λ)‖ over the full batch. */
  private double innerNorm() {
    double[] g = new double[oracle.p()];
    oracle.setLambda(method.lambda());
    oracle.innerGradient(method.x(), null, g);
    return Blas.norm(g);
  }

  @Override
  public double[] lambda() {
    return method.lambda();
  }

  @Override
  public double[] x() {
    return method.x();
  }

  @Override
  public HpoCheckpoint.State state(int step, long samples, double seconds, List<double[]> history) {
    return new HpoCheckpoint.State(step, method.lambda(), method.x(), Optimizer.State.NONE, Optimizer.State.NONE,
        s.seed(), samples, seconds, history, method.state());
  }

  @Override
  public void release() {
    oracle.release();
  }

  @Override
  public String stepName() {
    return "evaluation";
  }

  @Override
  public Map<String, Object> summary(int steps) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("iterations", (long) steps * every);
    m.put("joint_iterations", (long) steps * every);
    m.put("joint_eval_every", every);
    m.put("joint_step_size", js.stepSize());
    m.put("joint_outer_ratio", js.outerRatio());
    m.put("joint_outer_batch", outerBatch);
    if (s.method().startsWith("nbo") || s.method().startsWith("nsbo")) {
      m.put("joint_newton_steps", js.newtonSteps());
    }
    if (s.method().equals("nhgd")) {
      m.put("joint_fisher_smoothing", js.smoothing());
      m.put("joint_fisher_samples", js.fisherSamples());
      m.put("joint_fisher_blocks", js.blocks());
      m.put("joint_fisher_refresh", js.refresh());
    }
    return m;
  }
}
