package io.hypergrad.jobs;

import com.typesafe.config.ConfigValue;
import io.hypergrad.config.DataConfig;
import io.hypergrad.config.EstimatorGrid;
import io.hypergrad.config.InvalidConfigException;
import io.hypergrad.config.JobConfig;
import io.hypergrad.estimator.EstimatorSpec;
import io.hypergrad.estimator.ExactSolve;
import io.hypergrad.linalg.Blas;
import io.hypergrad.model.GlmBilevelProblem;
import io.hypergrad.model.InnerObjective;
import io.hypergrad.model.LabeledRows;
import io.hypergrad.model.NewtonCg;
import io.hypergrad.optim.Optimizer;
import io.hypergrad.oracle.CounterSampler;
import io.hypergrad.output.LinePlot;
import io.hypergrad.output.OutputDirectory;
import io.hypergrad.output.SummaryJson;
import io.hypergrad.prep.DataPreparation;
import io.hypergrad.prep.PreparedSplit;
import io.hypergrad.run.ChainRunner;
import io.hypergrad.rows.LocalRows;
import io.hypergrad.spark.PartitionedRows;
import io.hypergrad.spark.PreparedData;
import io.hypergrad.spark.SparkSessions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code hpo}: gradient-based hyperparameter optimisation. Each outer step estimates the
 * hypergradient at the current inner point with the configured method, moves λ with SGD or Adam,
 * re-trains the inner model warm-started (its optimiser state carried over) and evaluates every
 * split. After every step the whole state goes to a checkpoint ({@link HpoCheckpoint}); the same
 * command run again resumes from the newest one, bit for bit.
 */
public final class HpoJob {
  public static final Set<String> KNOWN_KEYS = knownKeys();
  /** Keys that may change between a run and its resumption: they do not change any step's result. */
  private static final Set<String> RESUMABLE_KEYS = Set.of("outer.steps", "time_budget", "checkpoint_dir", "baseline.enabled",
      "baseline.reg_params", "baseline.max_iter");
  static final String[] HISTORY_COLUMNS = {"step", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "test_loss",
      "test_accuracy", "hypergradient_norm", "lambda_norm", "inner_grad_norm", "samples", "seconds"};

  private HpoJob() {}

  private static Set<String> knownKeys() {
    Set<String> keys = new HashSet<>(Set.of("name", "task", "seed", "batch", "depth", "method", "plan", "partitions",
        "divergence_factor", "exact_max_p", "outer.steps", "outer.optimizer", "outer.lr", "inner.solver", "inner.steps",
        "inner.lr", "inner.tol", "time_budget", "checkpoint_dir", "baseline.enabled", "baseline.reg_params",
        "baseline.max_iter", "joint.step_size", "joint.outer_ratio", "joint.newton_steps", "joint.fisher_smoothing",
        "joint.fisher_samples", "joint.fisher_blocks", "joint.fisher_refresh", "joint.eval_every", "joint.outer_batch"));
    keys.addAll(GlmTask.KEYS);
    keys.addAll(DataConfig.KEYS);
    keys.addAll(EstimatorGrid.PARAM_KEYS);
    return keys;
  }

  public static Path run(EstimateJob.Options options, PrintStream log) throws IOException {
    return run(options, log, -1);
  }

  /** As {@link #run(EstimateJob.Options, PrintStream)}; {@code failAfterStep} ≥ 0 simulates a crash after that step's checkpoint (tests). */
  static Path run(EstimateJob.Options options, PrintStream log, int failAfterStep) throws IOException {
    long start = System.nanoTime();
    JobConfig cfg = JobConfig.load(options.conf(), options.sets(), KNOWN_KEYS);
    if (!cfg.getString("task", "glm").equals("glm")) {
      throw new InvalidConfigException(cfg.where("task") + ": hpo runs on task = glm only");
    }
    Settings s = Settings.of(cfg);
    String task = EstimateJob.taskName(cfg, options.conf());
    Path out = options.out().toAbsolutePath().normalize();
    HpoCheckpoint checkpoint = new HpoCheckpoint(cfg.getString("checkpoint_dir", out.resolve("checkpoint").toUri().toString()),
        fingerprint(cfg), SparkSessions.get().sparkContext().hadoopConfiguration());
    prepareOut(out, checkpoint, options.overwrite());
    HpoCheckpoint.State resumed = checkpoint.latest();

    Built built = build(cfg, log);
    HpoProblem problem = built.problem();
    try {
      if (s.spec() == null) {
        return runJoint(cfg, s, task, out, problem, checkpoint, resumed, start, failAfterStep, log);
      }
      int p = problem.p();
      int q = problem.q();
      Optimizer inner = Optimizer.named(s.innerSolver().equals("newton-cg") ? "sgd" : s.innerSolver(), p, s.innerLr());
      Optimizer outer = Optimizer.named(s.outerOptimizer(), q, s.outerLr());
      double[] x;
      double[] lambda;
      long samples;
      double secondsBefore;
      List<double[]> history;
      int step;
      if (resumed != null) {
        if (resumed.lambda().length != q || resumed.x().length != p) {
          throw new HpoCheckpoint.RefusedException("checkpoint in " + checkpoint.location() + " has p = " + resumed.x().length
              + ", q = " + resumed.lambda().length + "; this problem has p = " + p + ", q = " + q);
        }
        x = resumed.x();
        lambda = resumed.lambda();
        inner.restore(resumed.inner());
        outer.restore(resumed.outer());
        samples = resumed.samples();
        secondsBefore = resumed.seconds();
        history = new ArrayList<>(resumed.history());
        step = resumed.step();
        problem.setLambda(lambda);
        log.printf(Locale.ROOT, "hpo: resuming from the checkpoint of outer step %d in %s%n", step, checkpoint.location());
      } else {
        x = new double[p];
        lambda = problem.lambda();
        history = new ArrayList<>();
        step = 0;
        // the clock and the row count start with the first inner phase (data loading and Spark start excluded)
        long phaseStart = System.nanoTime();
        double innerNorm = innerPhase(problem.inner(), x, inner, s);
        samples = (long) s.innerSteps() * problem.rowCount();
        secondsBefore = seconds(phaseStart);
        double[] metrics = problem.evaluate(x);
        history.add(row(0, metrics, Double.NaN, Blas.norm(lambda), innerNorm, samples, secondsBefore));
        checkpoint.write(new HpoCheckpoint.State(0, lambda, x, inner.state(), outer.state(), s.seed(), samples, secondsBefore,
            history));
        printRow(log, history.get(0), s.outerSteps());
      }
      long runStart = System.nanoTime();
      while (step < s.outerSteps()) {
        if (s.timeBudget() > 0 && secondsBefore + (System.nanoTime() - runStart) / 1e9 >= s.timeBudget()) {
          log.printf(Locale.ROOT, "hpo: time budget of %.0f s reached after outer step %d%n", s.timeBudget(), step);
          break;
        }
        int k = step + 1;
        // the k-th hypergradient's minibatches: a stream of its own, a pure function of (seed, k)
        CounterSampler sampler = new CounterSampler(CounterSampler.streamKey(s.seed(), k, 0), problem.rowCount(), s.batch());
        double[] v = problem.hypergradient(x, s.spec(), sampler, s.depth(), s.divergenceFactor(), s.exactMaxP());
        if (!allFinite(v)) {
          throw new IllegalStateException("outer step " + k + ": the hypergradient by " + s.spec().label()
              + " is not finite; lower the method's scale or the outer lr");
        }
        outer.step(lambda, v);
        problem.setLambda(lambda);
        double innerNorm = innerPhase(problem.inner(), x, inner, s);
        // rows read: the inner phase's full-batch gradients, c over the validation rows, the chain's minibatches
        samples += (long) s.innerSteps() * problem.rowCount() + problem.validationRowCount()
            + (s.spec().method().isIterative() ? (long) s.depth() * s.batch() : 0);
        double elapsed = secondsBefore + (System.nanoTime() - runStart) / 1e9;
        double[] metrics = problem.evaluate(x);
        history.add(row(k, metrics, Blas.norm(v), Blas.norm(lambda), innerNorm, samples, elapsed));
        checkpoint.write(new HpoCheckpoint.State(k, lambda, x, inner.state(), outer.state(), s.seed(), samples, elapsed,
            history));
        step = k;
        printRow(log, history.get(history.size() - 1), s.outerSteps());
        if (k == failAfterStep) {
          throw new IllegalStateException("injected failure after outer step " + k);
        }
      }

      Map<String, Object> baseline = null;
      if (cfg.getBoolean("baseline.enabled", false)) {
        baseline = TrainValidationSplitBaseline.run(cfg, built.data(), log);
      }
      writeResults(out, cfg, task, s, s.spec().method().canonicalName(), problem, history, lambda, x, baseline, Map.of(),
          seconds(start), log);
      log.printf(Locale.ROOT, "wrote %s (%.1f s)%n", out, seconds(start));
      return out;
    } finally {
      problem.release();
    }
  }

  /**
   * The joint single-loop methods (SOBA, NBO-GD, NSBO-SGD, NHGD): x, the linear-system variable and
   * λ move together every iteration; a history row (and a checkpoint) every {@code joint.eval_every}
   * iterations, {@code outer.steps} rows in all.
   */
  private static Path runJoint(JobConfig cfg, Settings s, String task, Path out, HpoProblem problem, HpoCheckpoint checkpoint,
      HpoCheckpoint.State resumed, long start, int failAfterStep, PrintStream log) throws IOException {
    String name = cfg.getString("method", "mixed-fp-km");
    io.hypergrad.bilevel.JointSettings js;
    try {
      js = new io.hypergrad.bilevel.JointSettings(cfg.getDouble("joint.step_size", 0.1), cfg.getDouble("joint.outer_ratio", 1.0),
          cfg.getInt("joint.newton_steps", 1), cfg.getDouble("joint.fisher_smoothing", 0.99),
          cfg.getPositiveInt("joint.fisher_samples", s.batch()), cfg.getPositiveInt("joint.fisher_blocks", 1),
          cfg.getPositiveInt("joint.fisher_refresh", 100));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(cfg.where("joint") + ": " + e.getMessage(), e);
    }
    int every = cfg.getPositiveInt("joint.eval_every", 100);
    int outerBatch = cfg.getPositiveInt("joint.outer_batch", s.batch());
    io.hypergrad.bilevel.BilevelOracle oracle;
    try {
      oracle = problem.jointOracle();
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(cfg.where("problem.hyper_model") + ": " + e.getMessage(), e);
    }
    int p = oracle.p();
    io.hypergrad.bilevel.JointMethod method;
    try {
      method = io.hypergrad.bilevel.JointMethod.named(name, oracle, new double[p], problem.lambda(), js);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(cfg.where("joint") + ": " + e.getMessage(), e);
    }
    Optimizer.State none = new Optimizer.State(0, new double[0], new double[0]);
    List<double[]> history;
    long samples;
    double secondsBefore;
    int step;
    if (resumed != null) {
      method.restore(resumed.methodState());
      history = new ArrayList<>(resumed.history());
      samples = resumed.samples();
      secondsBefore = resumed.seconds();
      step = resumed.step();
      log.printf(Locale.ROOT, "hpo: resuming %s from the checkpoint of evaluation %d (iteration %d) in %s%n", name, step,
          (long) step * every, checkpoint.location());
    } else {
      history = new ArrayList<>();
      samples = 0;
      secondsBefore = 0;
      step = 0;
      double[] x = method.x();
      history.add(row(0, problem.evaluate(x), Double.NaN, Blas.norm(method.lambda()), innerNorm(oracle, method), 0, 0));
      checkpoint.write(new HpoCheckpoint.State(0, method.lambda(), x, none, none, s.seed(), 0, 0, history, method.state()));
      printRow(log, history.get(0), s.outerSteps());
    }
    CounterSampler inner = new CounterSampler(s.seed(), oracle.trainRows(), s.batch());
    CounterSampler outer = new CounterSampler(CounterSampler.streamKey(s.seed(), 1, 0), oracle.validationRows(), outerBatch);
    int[] i1 = inner.newRowBuffer();
    int[] i2 = inner.newRowBuffer();
    int[] o = outer.newRowBuffer();
    long perIteration = method.stochastic()
        ? (long) s.batch() * (name.equals("nsbo-sgd") ? 2 : 1) + outerBatch
        : 2L * oracle.trainRows() + oracle.validationRows();
    long runStart = System.nanoTime();
    while (step < s.outerSteps()) {
      if (s.timeBudget() > 0 && secondsBefore + (System.nanoTime() - runStart) / 1e9 >= s.timeBudget()) {
        log.printf(Locale.ROOT, "hpo: time budget of %.0f s reached after evaluation %d%n", s.timeBudget(), step);
        break;
      }
      long from = (long) step * every;
      oracle.prepare(inner, outer, from, from + every);
      for (long t = from; t < from + every; t++) {
        inner.rows(0, t, i1);
        inner.rows(1, t, i2);
        outer.rows(0, t, o);
        try {
          method.step(t, i1, i2, o);
        } catch (IllegalArgumentException e) {
          // a hyper-model refuses a non-finite λ, a Cholesky a matrix no longer positive definite
          throw new io.hypergrad.estimator.DivergenceException(name + " diverged at iteration " + t + " (" + e.getMessage()
              + "); lower joint.step_size or raise joint.outer_ratio", Double.NaN);
        }
      }
      double[] lambda = method.lambda();
      if (!allFinite(lambda) || !allFinite(method.x())) {
        throw new io.hypergrad.estimator.DivergenceException(name + " diverged before iteration " + (from + every)
            + " (λ or x is not finite); lower joint.step_size or raise joint.outer_ratio", Double.NaN);
      }
      samples += perIteration * every;
      int k = step + 1;
      double elapsed = secondsBefore + (System.nanoTime() - runStart) / 1e9;
      double[] x = method.x();
      history.add(row(k, problem.evaluate(x), Blas.norm(method.lastHypergradient()), Blas.norm(lambda),
          innerNorm(oracle, method), samples, elapsed));
      checkpoint.write(new HpoCheckpoint.State(k, lambda, x, none, none, s.seed(), samples, elapsed, history, method.state()));
      step = k;
      printRow(log, history.get(history.size() - 1), s.outerSteps());
      if (k == failAfterStep) {
        throw new IllegalStateException("injected failure after outer step " + k);
      }
    }
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("joint_iterations", (long) step * every);
    extra.put("joint_eval_every", every);
    extra.put("joint_step_size", js.stepSize());
    extra.put("joint_outer_ratio", js.outerRatio());
    extra.put("joint_outer_batch", outerBatch);
    if (name.startsWith("nbo") || name.startsWith("nsbo")) {
      extra.put("joint_newton_steps", js.newtonSteps());
    }
    if (name.equals("nhgd")) {
      extra.put("joint_fisher_smoothing", js.smoothing());
      extra.put("joint_fisher_samples", js.fisherSamples());
      extra.put("joint_fisher_blocks", js.blocks());
      extra.put("joint_fisher_refresh", js.refresh());
    }
    writeResults(out, cfg, task, s, name, problem, history, method.lambda(), method.x(), null, extra, seconds(start), log);
    log.printf(Locale.ROOT, "wrote %s (%.1f s)%n", out, seconds(start));
    return out;
  }

  /** ‖∇ₓg(x, λ)‖ over the full batch. */
  private static double innerNorm(io.hypergrad.bilevel.BilevelOracle oracle, io.hypergrad.bilevel.JointMethod method) {
    double[] g = new double[oracle.p()];
    oracle.setLambda(method.lambda());
    oracle.innerGradient(method.x(), null, g);
    return Blas.norm(g);
  }

  /** The loop's settings, read and checked before anything runs. */
  record Settings(EstimatorSpec spec, int depth, int batch, long seed, int outerSteps, String outerOptimizer, double outerLr,
      String innerSolver, int innerSteps, double innerLr, double innerTol, double timeBudget, double divergenceFactor,
      int exactMaxP) {
    static Settings of(JobConfig cfg) {
      int depth = cfg.getPositiveInt("depth", 100);
      String outerOpt = cfg.getString("outer.optimizer", "sgd");
      String innerSolver = cfg.getString("inner.solver", "adam");
      if (!outerOpt.equals("sgd") && !outerOpt.equals("adam")) {
        throw new InvalidConfigException(cfg.where("outer.optimizer") + ": unknown outer.optimizer '" + outerOpt
            + "'; expected sgd or adam");
      }
      if (!Set.of("adam", "sgd", "newton-cg").contains(innerSolver)) {
        throw new InvalidConfigException(cfg.where("inner.solver") + ": unknown inner.solver '" + innerSolver
            + "'; expected adam, sgd or newton-cg");
      }
      double outerLr = cfg.getDouble("outer.lr", 1.0);
      double innerLr = cfg.getDouble("inner.lr", 0.01);
      if (!(outerLr > 0)) {
        throw new InvalidConfigException(cfg.where("outer.lr") + ": outer.lr must be > 0, got " + outerLr);
      }
      if (!(innerLr > 0)) {
        throw new InvalidConfigException(cfg.where("inner.lr") + ": inner.lr must be > 0, got " + innerLr);
      }
      double budget = cfg.getDouble("time_budget", 0);
      if (!(budget >= 0)) {
        throw new InvalidConfigException(cfg.where("time_budget") + ": time_budget must be ≥ 0 seconds, got " + budget);
      }
      String method = cfg.getString("method", "mixed-fp-km");
      EstimatorSpec spec = io.hypergrad.bilevel.JointMethod.isJoint(method) ? null
          : EstimatorGrid.single(cfg, "mixed-fp-km", depth);
      return new Settings(spec, depth, cfg.getPositiveInt("batch", 1),
          cfg.getLong("seed", 0L), cfg.getPositiveInt("outer.steps", 100), outerOpt, outerLr, innerSolver,
          cfg.getPositiveInt("inner.steps", 100), innerLr, cfg.getDouble("inner.tol", 1e-9), budget,
          cfg.getDouble("divergence_factor", ChainRunner.DEFAULT_DIVERGENCE_FACTOR),
          cfg.getPositiveInt("exact_max_p", ExactSolve.DEFAULT_MAX_P));
    }
  }

  /** Trains x in place, warm-started: inner.steps full-batch optimiser steps, or Newton-CG to inner.tol. Returns ‖∇ₓg‖. */
  private static double innerPhase(InnerObjective g, double[] x, Optimizer optimizer, Settings s) {
    double[] grad = new double[x.length];
    if (s.innerSolver().equals("newton-cg")) {
      NewtonCg.Result r = NewtonCg.solve(g, x, s.innerTol(), s.innerSteps());
      System.arraycopy(r.x(), 0, x, 0, x.length);
      return r.gradNorm();
    }
    for (int t = 0; t < s.innerSteps(); t++) {
      g.gradient(x, grad);
      optimizer.step(x, grad);
    }
    g.gradient(x, grad);
    return Blas.norm(grad);
  }

  /** The problem, and the data when this JVM read it (null when the rows went from Parquet to the executors). */
  private record Built(HpoProblem problem, DataPreparation.Result data) {}

  private static Built build(JobConfig cfg, PrintStream log) {
    long start = System.nanoTime();
    String plan = cfg.getString("plan", "auto");
    if (!Set.of("auto", "driver", "distributed").contains(plan)) {
      throw new InvalidConfigException(cfg.where("plan") + ": unknown plan '" + plan + "'; expected auto, driver or distributed");
    }
    int partitions = cfg.getPositiveInt("partitions", 4);
    if (DataConfig.isPrepared(cfg) && !plan.equals("driver")) {
      Path dir = DataConfig.prepared(cfg);
      Map<String, Object> meta = GlmTask.preparedMetadata(cfg);
      int features = ((Number) meta.get("features")).intValue();
      int n = PreparedData.count(meta, "train");
      if (plan.equals("distributed") || 8L * n * features > GlmTask.DRIVER_PLAN_MAX_BYTES) {
        GlmBilevelProblem problem = GlmTask.fromPrepared(cfg, meta, partitions);
        int nTest = PreparedData.count(meta, "test");
        log.printf(Locale.ROOT, "hpo: plan distributed, %s + %s on %d/%d/%d rows in %d partitions, p = %d, q = %d (%.1f s)%n",
            problem.loss().name(), problem.hyperModel().name(), n, problem.validation().size(), nTest, partitions, problem.p(),
            problem.hyperModel().q(), (System.nanoTime() - start) / 1e9);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkSessions.get().sparkContext());
        return new Built(new HpoProblem(problem, nTest > 0
            ? PartitionedRows.of(jsc, PreparedData.partitions(dir, "test", partitions), features) : null, "distributed"), null);
      }
    }
    DataPreparation.Result data = GlmTask.load(cfg, log);
    GlmBilevelProblem problem = GlmTask.problem(cfg, data);
    PreparedSplit test = data.splits().stream().filter(sp -> sp.name().equals("test")).findFirst().orElse(null);
    LabeledRows testRows = test == null ? new LabeledRows(new org.apache.spark.ml.linalg.Vector[0], new double[0],
        data.featureCount()) : new LabeledRows(test.features(), test.labels(), data.featureCount());
    for (double y : testRows.labels()) {
      problem.loss().checkLabel(y);
    }
    boolean distributed = plan.equals("distributed");
    log.printf(Locale.ROOT, "hpo: plan %s, %s + %s on %d/%d/%d rows%s, p = %d, q = %d%n", distributed ? "distributed" : "driver",
        problem.loss().name(), problem.hyperModel().name(), problem.train().size(), problem.validation().size(),
        testRows.size(), distributed ? " in " + partitions + " partitions" : "", problem.p(), problem.hyperModel().q());
    if (distributed) {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkSessions.get().sparkContext());
      return new Built(new HpoProblem(GlmTask.distribute(jsc, problem, data, partitions), testRows.size() == 0 ? null
          : PartitionedRows.distribute(jsc, testRows, partitions), "distributed"), data);
    }
    return new Built(new HpoProblem(problem, testRows.size() == 0 ? null : LocalRows.of(testRows), "driver"), data);
  }

  /**
   * --out holds the checkpoint and, once the run ends, the results. A non-empty --out without a
   * checkpoint is refused (as every job refuses to overwrite); --overwrite starts over.
   */
  private static void prepareOut(Path out, HpoCheckpoint checkpoint, boolean overwrite) throws IOException {
    if (overwrite) {
      checkpoint.clear();
      OutputDirectory.deleteTree(out);
      return;
    }
    if (checkpoint.exists()) {
      return;
    }
    if (Files.isDirectory(out)) {
      try (Stream<Path> st = Files.list(out)) {
        if (st.anyMatch(f -> !f.getFileName().toString().equals("checkpoint"))) {
          throw new IllegalArgumentException("--out " + out + " exists, is not empty and holds no hpo checkpoint; pass "
              + "--overwrite to replace it");
        }
      }
    } else if (Files.exists(out)) {
      throw new IllegalArgumentException("--out " + out + " exists and is not a directory");
    }
  }

  private static double[] row(int step, double[] metrics, double hyperNorm, double lambdaNorm, double innerNorm, long samples,
      double seconds) {
    double[] r = new double[HISTORY_COLUMNS.length];
    r[0] = step;
    System.arraycopy(metrics, 0, r, 1, 6);
    r[7] = hyperNorm;
    r[8] = lambdaNorm;
    r[9] = innerNorm;
    r[10] = samples;
    r[11] = seconds;
    return r;
  }

  private static void printRow(PrintStream log, double[] r, int steps) {
    log.printf(Locale.ROOT, "outer %3d/%d  train %.4f/%.4f  val %.4f/%.4f  test %.4f/%.4f  ‖v‖ %.3e  ‖λ‖ %.4f  %.1f s%n",
        (int) r[0], steps, r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[11]);
  }

  /**
   * Results go to a staging directory inside --out and are moved into place one by one, summary.json
   * last: a run that dies while committing leaves no summary.json, so nothing looks finished.
   */
  private static void writeResults(Path out, JobConfig cfg, String task, Settings s, String method, HpoProblem problem,
      List<double[]> history, double[] lambda, double[] x, Map<String, Object> baseline, Map<String, Object> extra,
      double seconds, PrintStream log) throws IOException {
    Files.createDirectories(out);
    Files.deleteIfExists(out.resolve("summary.json"));
    Path staging = Files.createTempDirectory(out, ".results-staging-");
    try {
      try (Writer w = Files.newBufferedWriter(staging.resolve("history.csv"), StandardCharsets.UTF_8)) {
        w.write(String.join(",", HISTORY_COLUMNS) + "\n");
        for (double[] r : history) {
          StringBuilder b = new StringBuilder();
          for (int j = 0; j < r.length; j++) {
            b.append(j > 0 ? "," : "");
            b.append(j == 0 || j == 10 ? String.valueOf((long) r[j]) : Double.isNaN(r[j]) ? "" : String.valueOf(r[j]));
          }
          w.write(b + "\n");
        }
      }
      double[] last = history.get(history.size() - 1);
      Map<String, Object> lam = new LinkedHashMap<>();
      lam.put("hyper_model", cfg.getString("problem.hyper_model", "l2"));
      lam.put("lambda", lambda);
      SummaryJson.mapper().writeValue(staging.resolve("lambda.json").toFile(), lam);
      Map<String, Object> model = new LinkedHashMap<>();
      model.put("model", cfg.getString("problem.model", "logistic"));
      model.put("x", x);
      SummaryJson.mapper().writeValue(staging.resolve("model.json").toFile(), model);
      String title = task + ": " + (s.spec() != null ? s.spec().label() : method);
      LinePlot.write(staging.resolve("loss.png"), title, "outer step", "loss", history, 0,
          new int[] {1, 3, 5}, new String[] {"train", "validation", "test"});
      if (!Double.isNaN(last[2])) {
        LinePlot.write(staging.resolve("accuracy.png"), title, "outer step", "accuracy", history, 0,
            new int[] {2, 4, 6}, new String[] {"train", "validation", "test"});
      }

      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("job", "hpo");
      summary.put("task", task);
      summary.put("kind", "glm");
      summary.put("method", method);
      summary.put("label", s.spec() != null ? s.spec().label() : method);
      summary.put("params", s.spec() != null ? s.spec().params() : Map.of());
      summary.put("p", problem.p());
      summary.put("q", problem.q());
      summary.put("plan", problem.plan());
      summary.put("iterations", s.spec() != null ? s.depth() : extra.get("joint_iterations"));
      summary.put("batch", s.batch());
      summary.put("seeds", 1);
      summary.put("seed", s.seed());
      summary.put("outer_steps", (int) last[0]);
      if (s.spec() != null) {
        summary.put("outer_optimizer", s.outerOptimizer());
        summary.put("outer_lr", s.outerLr());
      }
      if (s.spec() != null) {
        summary.put("inner_solver", s.innerSolver());
        summary.put("inner_steps", s.innerSteps());
        summary.put("inner_lr", s.innerLr());
      }
      String[] keys = {"train_loss", "train_accuracy", "val_loss", "val_accuracy", "test_loss", "test_accuracy"};
      for (int j = 0; j < keys.length; j++) {
        summary.put(keys[j], last[1 + j]);
      }
      Map<String, Object> initial = new LinkedHashMap<>();
      for (int j = 0; j < keys.length; j++) {
        initial.put(keys[j], history.get(0)[1 + j]);
      }
      summary.put("initial", initial);
      summary.put("samples", (long) last[10]);
      summary.put("seconds", last[11]);
      summary.put("lambda_norm", last[8]);
      summary.putAll(extra);
      if (baseline != null) {
        summary.put("baseline", baseline);
      }
      summary.put("job_seconds", seconds);
      SummaryJson.mapper().writeValue(staging.resolve("summary.json").toFile(), summary);
      for (String f : new String[] {"history.csv", "lambda.json", "model.json", "loss.png", "accuracy.png", "summary.json"}) {
        if (Files.exists(staging.resolve(f))) {
          Files.move(staging.resolve(f), out.resolve(f), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
      }
      log.printf(Locale.ROOT, "final (outer step %d): val loss %.4f, val accuracy %.4f, test loss %.4f, test accuracy %.4f%n",
          (int) last[0], last[3], last[4], last[5], last[6]);
    } finally {
      OutputDirectory.deleteTree(staging);
    }
  }

  /**
   * SHA-256 of every config value (after --set) except those that cannot change a step's result:
   * a checkpoint resumes only under the configuration that wrote it.
   */
  static String fingerprint(JobConfig cfg) {
    TreeMap<String, String> flat = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : cfg.raw().entrySet()) {
      if (!RESUMABLE_KEYS.contains(e.getKey())) {
        flat.put(e.getKey(), e.getValue().render(com.typesafe.config.ConfigRenderOptions.concise()));
      }
    }
    return HpoCheckpoint.sha256(flat.toString());
  }

  private static boolean allFinite(double[] v) {
    for (double d : v) {
      if (!Double.isFinite(d)) {
        return false;
      }
    }
    return true;
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
