package io.hypergrad.jobs;

import io.hypergrad.config.ConfigKeys;
import io.hypergrad.config.EstimatorGrid;
import io.hypergrad.config.InvalidConfigException;
import io.hypergrad.config.JobConfig;
import io.hypergrad.estimator.DirectSolution;
import io.hypergrad.estimator.EstimatorSpec;
import io.hypergrad.estimator.Estimators;
import io.hypergrad.influence.GroupInfluence;
import io.hypergrad.influence.InfluenceReport;
import io.hypergrad.influence.InfluenceScores;
import io.hypergrad.influence.InfluenceSolve;
import io.hypergrad.influence.QueryInfluence;
import io.hypergrad.linalg.Blas;
import io.hypergrad.linalg.InverseQuadratic;
import io.hypergrad.linalg.LowRankInverse;
import io.hypergrad.model.GlmBilevelProblem;
import io.hypergrad.model.GlmLinearSystem;
import io.hypergrad.model.GlmLoss;
import io.hypergrad.model.HyperModel;
import io.hypergrad.model.NewtonCg;
import io.hypergrad.output.HistogramPlot;
import io.hypergrad.output.OutputDirectory;
import io.hypergrad.output.QueryPlot;
import io.hypergrad.output.SummaryJson;
import io.hypergrad.plan.ExecutionPlan;
import io.hypergrad.prep.table.RowPartition;
import io.hypergrad.spark.PartitionedRows;
import io.hypergrad.spark.SparkSessions;
import io.hypergrad.task.GlmData;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code influence}: the influence of up-weighting every training row on the validation loss of a
 * GLM (sign convention in {@link InfluenceScores}). The inner problem is solved on the executors'
 * rows, s ≈ A⁻¹∇f_val is solved once (an iterative estimator over rows gathered in one pass, or
 * cg/exact over full passes), s is broadcast and every row's score is computed where the row lives.
 * The scores go straight from the executors to Parquet; the driver holds p-sized vectors, the
 * top-k rows and the histogram, nothing of size n.
 */
public final class InfluenceJob {
  /** How many queries get a chart of their own. */
  private static final int QUERY_PLOTS = 4;

  private InfluenceJob() {}

  public static String run(RunOptions options, PrintStream log) throws IOException {
    long start = System.nanoTime();
    JobConfig cfg = JobConfig.load(options.conf(), options.sets(), ConfigKeys.Job.INFLUENCE);
    if (!cfg.getString("task", "glm").equals("glm")) {
      throw new InvalidConfigException(cfg.where("task") + ": influence runs on task = glm only");
    }
    int iterations = cfg.getPositiveInt("iterations");
    int batch = cfg.getPositiveInt("batch");
    long seed = cfg.getLong("seed");
    int topK = cfg.getPositiveInt("top_k");
    int bins = cfg.getPositiveInt("histogram_bins");
    double noiseTop = cfg.getDouble("noise_top_fraction");
    if (!(noiseTop > 0 && noiseTop <= 1)) {
      throw new InvalidConfigException(cfg.where("noise_top_fraction") + ": noise_top_fraction must be in (0, 1], got " + noiseTop);
    }
    boolean compareCg = cfg.getBoolean("compare_cg");
    String target = InfluenceSolve.target(cfg);
    boolean self = target.equals("self");
    EstimatorSpec spec = EstimatorGrid.single(cfg, iterations);
    String task = EstimateJob.taskName(cfg, options.conf());

    try (OutputDirectory out = OutputDirectory.prepare(options.out(), options.overwrite(), SparkSessions::hadoopConfiguration)) {
      SparkSession spark = SparkSessions.get();
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      // the rows stay on the executors, whatever their size: scores are written where the rows are
      GlmData rows = GlmData.load(cfg, log, (n, features) -> ExecutionPlan.DISTRIBUTED);
      GlmBilevelProblem problem = InfluenceSolve.problem(cfg, rows);
      PartitionedRows trainRows = (PartitionedRows) problem.train();
      GlmLoss loss = problem.loss();
      HyperModel hyper = problem.hyperModel();
      int n = trainRows.size();
      double dataSeconds = (System.nanoTime() - start) / 1e9;
      log.printf(Locale.ROOT, "influence: %s + %s on %d training / %d validation rows in %d partitions on %s, p = %d (%.1f s)%n",
          loss.name(), hyper.name(), n, problem.validation().size(), trainRows.partitionCount(), jsc.master(), problem.p(),
          (System.nanoTime() - start) / 1e9);

      InfluenceSolve.Settings settings = InfluenceSolve.settings(cfg, spec);
      if (target.equals("queries") || target.equals("groups")) {
        if (target.equals("queries")) {
          queries(cfg, spec, settings, rows, problem, out, task, start, log);
        } else {
          groups(cfg, spec, settings, rows, problem, out, task, start, log);
        }
        problem.release();
        out.commit();
        log.printf(Locale.ROOT, "wrote %s (%.1f s)%n", out.location(), (System.nanoTime() - start) / 1e9);
        return out.location();
      }
      InfluenceSolve.Result solved;
      try {
        solved = self ? InfluenceSolve.runSelf(problem, null, settings, log) : InfluenceSolve.run(problem, null, settings, log);
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException(cfg.where(!self ? "method" : problem.p() > settings.exactMaxP() ? "influence.rank"
            : "exact_max_p") + ": " + e.getMessage(), e);
      }
      NewtonCg.Result inner = solved.inner();
      double[] x = solved.x();
      double[] s = solved.s();
      GlmLinearSystem system = solved.system();
      double innerSeconds = solved.innerSeconds();
      double solveSeconds = solved.solveSeconds();
      double residual = solved.residual();
      long t0;
      double[] sCg = null;
      double cgSeconds = 0;
      if (compareCg && !self && spec.method() != io.hypergrad.estimator.Method.CG) {
        t0 = System.nanoTime();
        DirectSolution cg = Estimators.solveDirect(EstimatorSpec.cg(EstimatorSpec.DEFAULT_CG_TOL, 100 * system.p()), system, 0);
        sCg = cg.x();
        cgSeconds = (System.nanoTime() - t0) / 1e9;
        log.printf(Locale.ROOT, "cg for comparison: %d iterations, ‖s − s_cg‖/‖s_cg‖ = %.3e (%.2f s)%n", cg.iterations(),
            Blas.distance(s, sCg) / Blas.norm(sCg), cgSeconds);
      }

      // one pass: every row's score where the row lives, kept as arrays for the report and written to Parquet
      t0 = System.nanoTime();
      boolean clean = rows.cleanLabels();
      Broadcast<double[]> xb = jsc.broadcast(x);
      Broadcast<double[]> sb = self ? null : jsc.broadcast(s);
      Broadcast<InverseQuadratic> hb = self ? jsc.broadcast(solved.hessian()) : null;
      Broadcast<double[]> cgb = sCg == null ? null : jsc.broadcast(sCg);
      long total = n;
      // validation: −(cᵢ/n)∇ℓᵢ·s; self: +(cᵢ/n)∇ℓᵢᵀA⁻¹∇ℓᵢ, one triangular solve (or rank dot products) a row
      JavaRDD<InfluenceScores> scores = trainRows.partitions().map(part -> InfluenceScores.of(part, loss, xb.value(),
          self ? InfluenceScores.selfQuadratic(hb.value()) : InfluenceScores.dotWith(sb.value()),
          cgb == null ? null : InfluenceScores.dotWith(cgb.value()), self ? 1.0 : -1.0, total, clean))
          .persist(StorageLevel.MEMORY_AND_DISK());
      spark.createDataFrame(scores.flatMap(InfluenceScores::rows), InfluenceScores.schema(self ? "self_influence"
          : "influence", rows.weighted(), sCg != null, clean)).write().parquet(out.datasetPath("scores"));
      double scoreSeconds = (System.nanoTime() - t0) / 1e9;
      log.printf(Locale.ROOT, "scores: %d rows written to Parquet in %.2f s (%.0f rows/s)%n", n, scoreSeconds, n / scoreSeconds);

      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("job", "influence");
      summary.put("task", task);
      summary.put("kind", "glm");
      summary.put("p", problem.p());
      summary.put("q", n);
      summary.put("model", loss.name());
      summary.put("hyper_model", hyper.name());
      summary.put("n_train", n);
      summary.put("n_val", problem.validation().size());
      summary.put("data", rows.summary());
      summary.put("partitions", trainRows.partitionCount());
      summary.put("plan", "distributed");
      summary.put("target", self ? "self" : "validation");
      LowRankInverse lowRank = solved.hessian() instanceof LowRankInverse l ? l : null;
      if (self) {
        summary.put("method", lowRank == null ? "exact" : "low-rank");
        if (lowRank != null) {
          double[] theta = lowRank.ritzValues();
          summary.put("self_rank", lowRank.rank());
          summary.put("self_power_steps", settings.powerSteps());
          summary.put("self_ritz_min", theta[0]);
          summary.put("self_ritz_max", theta[theta.length - 1]);
        }
        summary.put("sign", "self_influence = (c_i/n) grad_i^T A^-1 grad_i >= 0: how much up-weighting row i lowers its "
            + "own loss (removing it raises its loss by about that much); high: the model bends to fit the row");
      } else {
        summary.put("method", spec.method().canonicalName());
        summary.put("label", spec.label());
        summary.put("params", spec.params());
        summary.put("iterations", spec.method().isIterative() ? iterations : 0);
        summary.put("batch", batch);
        summary.put("seed", seed);
        summary.put("sign", "influence = d val_loss / d eps_i for training weight (1 + eps_i): > 0 harmful, < 0 helpful; "
            + "removing row i changes the validation loss by about -influence");
      }
      summary.put("inner_steps", inner.iterations());
      summary.put("inner_grad_norm", inner.gradNorm());
      summary.put("inner_converged", inner.converged());
      if (!self) {
        summary.put("val_loss", problem.outerLoss(x));
        summary.put("s_norm", Blas.norm(s));
        summary.put("relative_residual", residual);
      }
      long reportStart = System.nanoTime();
      summary.put("stats", InfluenceReport.stats(scores, sCg != null));
      if (sCg != null) {
        summary.put("cg_relative_difference", Blas.distance(s, sCg) / Blas.norm(sCg));
      }
      Map<String, Object> histogram = InfluenceReport.histogram(scores, bins);
      if (clean) {
        summary.put("label_noise", InfluenceReport.noise(scores, n, noiseTop, self ? "self_influence" : "harmful", log));
      }
      InfluenceReport.writeTop(out.path("top.csv"), scores, topK, clean, self);
      HistogramPlot.write(out.path("histogram.png"), self ? "self-influence of each training row: " + task + " (n = " + n
          + (lowRank == null ? ", exact)" : ", rank " + lowRank.rank() + ")") : "influence of each training row on the validation loss: " + task + " (n = " + n + ", "
          + spec.method().canonicalName() + ")", self ? "self-influence (high: the model bends to fit the row)"
          : "influence (> 0 harmful, < 0 helpful)", (double[]) histogram.get("edges"), (long[]) histogram.get("counts"));
      summary.put("histogram", histogram);
      Map<String, Object> seconds = new LinkedHashMap<>();
      seconds.put("data", dataSeconds);
      seconds.put("inner", innerSeconds);
      seconds.put("solve", solveSeconds);
      seconds.put("cg", cgSeconds);
      seconds.put("scores", scoreSeconds);
      seconds.put("report", (System.nanoTime() - reportStart) / 1e9);
      summary.put("phase_seconds", seconds);
      summary.put("seconds", (System.nanoTime() - start) / 1e9);
      SummaryJson.mapper().writeValue(out.path("summary.json").toFile(), summary);
      scores.unpersist();
      xb.destroy();
      if (sb != null) {
        sb.destroy();
      }
      if (hb != null) {
        hb.destroy();
      }
      if (cgb != null) {
        cgb.destroy();
      }
      problem.release();
      out.commit();
      log.printf(Locale.ROOT, "wrote %s (%.1f s)%n", out.location(), (System.nanoTime() - start) / 1e9);
      return out.location();
    }
  }


  /**
   * {@code influence.target = queries}: every test row is a query; S = A⁻¹∇ℓ(queries) by exact or by
   * cg in lockstep, then each query's top_k training rows each way, kept per partition and merged.
   */
  private static void queries(JobConfig cfg, EstimatorSpec spec, InfluenceSolve.Settings settings, GlmData rows,
      GlmBilevelProblem problem, OutputDirectory out, String task, long start, PrintStream log) throws IOException {
    String querySplit = cfg.getString("influence.query_split");
    if (!List.of("test", "val").contains(querySplit)) {
      throw new InvalidConfigException(cfg.where("influence.query_split") + ": influence.query_split must be test or val, "
          + "got '" + querySplit + "'");
    }
    if (!rows.has(querySplit)) {
      throw new InvalidConfigException(cfg.where("influence.target") + ": influence.target = queries explains the rows "
          + "of the " + querySplit + " split; the split leaves none (set data.split." + querySplit + ", or "
          + "influence.query_split)");
    }
    int maxQueries = cfg.getInt("influence.max_queries");
    if (maxQueries < 0) {
      throw new InvalidConfigException(cfg.where("influence.max_queries") + ": influence.max_queries must be ≥ 0 (0: every "
          + "row of the split), got " + maxQueries);
    }
    double dataSeconds = (System.nanoTime() - start) / 1e9;
    long t0 = System.nanoTime();
    NewtonCg.Result inner = InfluenceSolve.innerSolve(problem, null, settings, log);
    double innerSeconds = (System.nanoTime() - t0) / 1e9;
    double[] x = inner.x();
    // the queries are few (a test split): their rows come here, their gradients are p×m
    List<Vector> qf = new ArrayList<>();
    List<Double> qy = new ArrayList<>();
    List<Long> qid = new ArrayList<>();
    // partition by partition, only as far as the queries asked for reach
    java.util.Iterator<RowPartition> queryParts = rows.partitions(querySplit).toLocalIterator();
    while (queryParts.hasNext() && (maxQueries == 0 || qf.size() < maxQueries)) {
      RowPartition part = queryParts.next();
      for (int i = 0; i < part.size() && (maxQueries == 0 || qf.size() < maxQueries); i++) {
        qf.add(part.rows().row(i));
        qy.add(part.rows().label(i));
        qid.add(part.id(i));
      }
    }
    int m = qf.size();
    int p = problem.p();
    int topK = cfg.getPositiveInt("top_k");
    QueryInfluence.Explained explained;
    try {
      explained = QueryInfluence.explain(problem, x, qf, qy, settings, topK, rows.partitions("train"));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(cfg.where(spec.method() == io.hypergrad.estimator.Method.EXACT ? "exact_max_p"
          : "method") + ": " + e.getMessage(), e);
    }
    Map<String, Object> solve = explained.solve();
    double solveSeconds = explained.solveSeconds();
    log.printf(Locale.ROOT, "S = A⁻¹∇ℓ(queries) for %d queries by %s (%.2f s)%n", m, solve.get("method"), solveSeconds);
    List<QueryInfluence.Entry> top = explained.top();
    double scoreSeconds = explained.scoreSeconds();
    GlmLoss loss = problem.loss();
    long n = problem.train().size();
    List<Row> outRows = QueryInfluence.rows(top, qid);
    StructType schema = QueryInfluence.SCHEMA;
    SparkSessions.get().createDataFrame(outRows, schema).coalesce(1).write().parquet(out.datasetPath("scores"));
    log.printf(Locale.ROOT, "scores: the top %d training rows each way for each of %d queries (%.2f s)%n", topK, m,
        scoreSeconds);
    // a chart for each of the first few queries
    for (int j = 0; j < Math.min(QUERY_PLOTS, m); j++) {
      List<Double> harmful = new ArrayList<>();
      List<Double> helpful = new ArrayList<>();
      for (QueryInfluence.Entry e : top) {
        if (e.query() == j) {
          (e.harmful() ? harmful : helpful).add(e.score());
        }
      }
      QueryPlot.write(out.path("query-" + j + ".png"), "query " + j + " (id " + qid.get(j) + "): its " + topK
          + " most harmful and most helpful training rows — " + task, harmful, helpful);
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("job", "influence");
    summary.put("task", task);
    summary.put("target", "queries");
    summary.put("p", p);
    summary.put("model", loss.name());
    summary.put("hyper_model", problem.hyperModel().name());
    summary.put("n_train", n);
    summary.put("queries", m);
    summary.put("top_k", topK);
    summary.put("data", rows.summary());
    summary.put("sign", "score = d loss(query) / d eps_i for training weight (1 + eps_i): > 0 harmful to the query, < 0 "
        + "helpful; removing row i changes the query's loss by about -score");
    summary.put("inner_steps", inner.iterations());
    summary.put("inner_grad_norm", inner.gradNorm());
    summary.put("solve", solve);
    Map<String, Object> seconds = new LinkedHashMap<>();
    seconds.put("data", dataSeconds);
    seconds.put("inner", innerSeconds);
    seconds.put("solve", solveSeconds);
    seconds.put("scores", scoreSeconds);
    summary.put("phase_seconds", seconds);
    summary.put("seconds", (System.nanoTime() - start) / 1e9);
    SummaryJson.mapper().writeValue(out.path("summary.json").toFile(), summary);
  }

  /**
   * {@code influence.target = groups}: s as for the validation target, then every group's sums in one
   * pass and each group's predicted effect of its removal, first order and after one Newton step.
   */
  private static void groups(JobConfig cfg, EstimatorSpec spec, InfluenceSolve.Settings settings, GlmData rows,
      GlmBilevelProblem problem, OutputDirectory out, String task, long start, PrintStream log) throws IOException {
    if (!(rows.metadata().get("groups") instanceof Map<?, ?> groupMeta)) {
      throw new InvalidConfigException(cfg.where("influence.target") + ": influence.target = groups needs a group column: "
          + "set data.source.group");
    }
    int p = problem.p();
    try {
      InfluenceSolve.requireDense(p, settings.exactMaxP(), "influence.target = groups sums, per group,", "raise "
          + "exact_max_p, or use influence.target = validation");
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(cfg.where("exact_max_p") + ": " + e.getMessage(), e);
    }
    double dataSeconds = (System.nanoTime() - start) / 1e9;
    InfluenceSolve.Result solved;
    try {
      solved = InfluenceSolve.run(problem, null, settings, log);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(cfg.where("method") + ": " + e.getMessage(), e);
    }
    long t0 = System.nanoTime();
    GlmLoss loss = problem.loss();
    List<GroupInfluence.Estimate> estimates = GroupInfluence.estimate(problem, solved, rows.partitions("train"));
    double groupSeconds = (System.nanoTime() - t0) / 1e9;
    List<Row> outRows = new ArrayList<>();
    try (java.io.Writer w = java.nio.file.Files.newBufferedWriter(out.path("groups.csv"))) {
      w.write("group,rows,weight,first_order,corrected\n");
      for (GroupInfluence.Estimate e : estimates) {
        String name = GroupInfluence.name(e, rows.metadata());
        w.write(String.format(Locale.ROOT, "\"%s\",%d,%s,%s,%s%n", name.replace("\"", "\"\""), (long) e.rows(),
            e.weight(), e.firstOrder(), e.corrected()));
        outRows.add(GroupInfluence.row(e, rows.metadata()));
      }
    }
    StructType schema = GroupInfluence.SCHEMA;
    SparkSessions.get().createDataFrame(outRows, schema).coalesce(1).write().parquet(out.datasetPath("scores"));
    log.printf(Locale.ROOT, "groups: %d groups' removal predicted, first order and after one Newton step (%.2f s)%n",
        estimates.size(), groupSeconds);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("job", "influence");
    summary.put("task", task);
    summary.put("target", "groups");
    summary.put("group_column", groupMeta.get("column"));
    summary.put("groups", estimates.size());
    summary.put("p", p);
    summary.put("model", loss.name());
    summary.put("hyper_model", problem.hyperModel().name());
    summary.put("n_train", problem.train().size());
    summary.put("n_val", problem.validation().size());
    summary.put("method", spec.method().canonicalName());
    summary.put("val_loss", problem.outerLoss(solved.x()));
    summary.put("relative_residual", solved.residual());
    summary.put("data", rows.summary());
    summary.put("sign", "first_order and corrected predict val_loss(retrained without the group) - val_loss: > 0 the "
        + "group helps (removing it hurts), < 0 it harms");
    Map<String, Object> seconds = new LinkedHashMap<>();
    seconds.put("data", dataSeconds);
    seconds.put("inner", solved.innerSeconds());
    seconds.put("solve", solved.solveSeconds());
    seconds.put("groups", groupSeconds);
    summary.put("phase_seconds", seconds);
    summary.put("seconds", (System.nanoTime() - start) / 1e9);
    SummaryJson.mapper().writeValue(out.path("summary.json").toFile(), summary);
  }
}
