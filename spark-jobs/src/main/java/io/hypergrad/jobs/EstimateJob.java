package io.hypergrad.jobs;

import io.hypergrad.config.ConfigKeys;
import io.hypergrad.config.EstimatorGrid;
import io.hypergrad.config.InvalidConfigException;
import io.hypergrad.config.JobConfig;
import io.hypergrad.estimator.DirectSolution;
import io.hypergrad.estimator.EstimatorSpec;
import io.hypergrad.estimator.Estimators;
import io.hypergrad.linalg.Blas;
import io.hypergrad.plan.ChainRun;
import io.hypergrad.plan.ExecutionPlan;
import io.hypergrad.task.GlmTask;
import io.hypergrad.task.Task;
import io.hypergrad.task.TaskFactory;
import io.hypergrad.oracle.StochasticLinearSystem;
import io.hypergrad.output.ErrorPlot;
import io.hypergrad.output.ErrorsCsv;
import io.hypergrad.output.LabelResult;
import io.hypergrad.output.OutputDirectory;
import io.hypergrad.output.SummaryJson;
import io.hypergrad.output.SweepReport;
import io.hypergrad.spark.SparkSessions;
import io.hypergrad.run.ErrorSummary;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code estimate}: builds the task's linear system, computes the reference v*, runs every listed
 * estimator configuration over the seeds and writes summary.json, errors.csv, errors.png and
 * hypergradient.json.
 */
public final class EstimateJob {
  private EstimateJob() {}

  /** Runs the job; returns the directory the results were committed to. */
  public static String run(RunOptions options, PrintStream log) throws IOException {
    return run(options, log, false);
  }

  /**
   * Runs {@code estimate}, or with {@code sweep} the {@code sweep} job: the same runs, then the best
   * configuration of each family (entries' {@code family}, else method + schedule) by last-10% error,
   * with best.csv, report.md and plots of the winners against samples and against HVPs.
   */
  public static String run(RunOptions options, PrintStream log, boolean sweep) throws IOException {
    long start = System.nanoTime();
    JobConfig cfg = JobConfig.load(options.conf(), options.sets(), sweep ? ConfigKeys.Job.SWEEP : ConfigKeys.Job.ESTIMATE);
    ChainRun run = ChainRun.of(cfg);
    int seeds = run.seeds();
    int iterations = run.iterations();
    int batch = run.batch();
    int every = run.every();
    int exactMaxP = cfg.getPositiveInt("exact_max_p");
    String plan = ExecutionPlan.configured(cfg, GlmTask.PLANS);
    List<String> skipped = new ArrayList<>();
    List<EstimatorGrid.Member> members = EstimatorGrid.expandWithFamilies(cfg, iterations, skipped::add);
    List<EstimatorSpec> specs = members.stream().map(EstimatorGrid.Member::spec).toList();
    Map<String, String> familyOfLabel = new LinkedHashMap<>();
    members.forEach(m -> familyOfLabel.put(m.spec().label(), m.family()));
    if (!skipped.isEmpty()) {
      log.printf(Locale.ROOT, "left out %d grid points that break a constraint, e.g. %s%n", skipped.size(), skipped.get(0));
    }

    try (OutputDirectory out = OutputDirectory.prepare(options.out(), options.overwrite(), SparkSessions::hadoopConfiguration)) {
      Task built = TaskFactory.build(cfg, log, plan);
      plan = built.plan();
      StochasticLinearSystem system = built.system();
      String task = taskName(cfg, options.conf());
      String referenceName = referenceOf(cfg, system.p(), exactMaxP);
      Map<String, DirectSolution> solved = new LinkedHashMap<>();
      EstimatorSpec referenceSpec = referenceName.equals("exact") ? EstimatorSpec.exact()
          : EstimatorSpec.cg(EstimatorSpec.DEFAULT_CG_TOL, 100 * system.p());
      DirectSolution ref = Estimators.solveDirect(referenceSpec, system, exactMaxP);
      solved.put(referenceSpec.label(), ref);
      double[] vStar = readOut(system, ref.x());
      log.printf(Locale.ROOT, "reference v* by %s: ‖v*‖ = %.6g, relative residual %.2e%n", referenceName, Blas.norm(vStar),
          ref.residual());

      List<EstimatorSpec> iterative = specs.stream().filter(s -> s.method().isIterative()).toList();
      log.printf(Locale.ROOT, "plan %s: %d configurations × %d seeds × %d iterations (batch %d) on %d threads, BLAS %s%n",
          plan, iterative.size(), seeds, iterations, batch, run.threads(), Blas.implementationName());
      List<LabelResult> iterativeResults = run.run(plan, system, vStar, iterative, built.info(), log);

      List<LabelResult> results = new ArrayList<>();
      int next = 0;
      for (EstimatorSpec spec : specs) {
        if (spec.method().isIterative()) {
          results.add(iterativeResults.get(next++));
        } else {
          results.add(direct(spec, system, vStar, exactMaxP, solved));
        }
      }

      Map<String, Object> header = new LinkedHashMap<>();
      header.put("job", sweep ? "sweep" : "estimate");
      header.put("task", task);
      header.put("kind", cfg.getString("task", "synthetic"));
      header.put("p", system.p());
      header.put("q", system.q());
      header.put("iterations", iterations);
      header.put("batch", batch);
      header.put("error_every", every);
      header.put("seeds", seeds);
      header.put("seed", run.baseSeed());
      header.put("plan", plan);
      header.put("reference", referenceName);
      header.put("exact_norm", Blas.norm(vStar));
      header.putAll(built.info());
      agreement(results).ifPresent(d -> {
        header.put("cg_vs_exact_relative", d);
        log.printf(Locale.ROOT, "cg and exact agree to %.2e relative%n", d);
      });
      header.put("threads", run.threads());
      header.put("blas", Blas.implementationName());
      header.put("seconds", (System.nanoTime() - start) / 1e9);
      SummaryJson.write(out.path("summary.json"), header, results);
      SummaryJson.writeHypergradients(out.path("hypergradient.json"), referenceName, vStar, results);
      String title = (sweep ? "sweep: " : "estimate: ") + task + " (p = " + system.p() + ", batch " + batch + ", " + seeds
          + " seeds)";
      List<SweepReport.Best> best = sweep ? SweepReport.select(results, familyOfLabel) : List.of();
      // a sweep's grid has hundreds of curves: the winners' by default, every one (gzip) on request
      ErrorsCsv.write(out.path("errors.csv"), sweep ? best.stream().map(SweepReport.Best::result).toList() : results);
      if (sweep && cfg.getBoolean("all_curves")) {
        ErrorsCsv.write(out.path("errors-all.csv.gz"), results);
      }
      if (sweep) {
        SweepReport.write(out, title, best, batch, "bin/hypergrad sweep --conf " + options.conf()
            + options.sets().stream().map(x -> " --set '" + x + "'").reduce("", String::concat));
      } else {
        ErrorPlot.write(out.path("errors.png"), title, results, batch);
      }
      out.commit();
      if (sweep) {
        printBest(log, best);
      } else {
        printTable(log, results);
      }
      log.printf(Locale.ROOT, "wrote %s (%.1f s)%n", out.location(), (System.nanoTime() - start) / 1e9);
      return out.location();
    }
  }

  /** The run's task name: the config's {@code name}, else the config file's name without .conf. */
  public static String taskName(JobConfig cfg, File conf) {
    return cfg.getString("name", baseName(conf));
  }

  private static String baseName(File conf) {
    String n = conf.getName();
    return n.endsWith(".conf") ? n.substring(0, n.length() - 5) : n;
  }

  /** ‖v_cg − v_exact‖/‖v_exact‖ when both ran. */
  private static java.util.Optional<Double> agreement(List<LabelResult> results) {
    double[] cg = null;
    double[] exact = null;
    for (LabelResult r : results) {
      switch (r.spec().method()) {
        case CG -> cg = r.meanEstimate();
        case EXACT -> exact = r.meanEstimate();
        default -> { }
      }
    }
    if (cg == null || exact == null) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(Blas.distance(cg, exact) / Math.max(Blas.norm(exact), Double.MIN_NORMAL));
  }

  private static String referenceOf(JobConfig cfg, int p, int exactMaxP) {
    String ref = cfg.getString("reference");
    return switch (ref) {
      case "auto" -> p <= exactMaxP ? "exact" : "cg";
      case "exact", "cg" -> ref;
      default -> throw new InvalidConfigException(cfg.where("reference") + ": unknown reference '" + ref
          + "'; expected auto, exact or cg");
    };
  }

  /** v = d − B·x. */
  private static double[] readOut(StochasticLinearSystem system, double[] x) {
    double[] bx = new double[system.q()];
    system.applyB(x, bx);
    double[] v = system.d().clone();
    Blas.axpy(-1.0, bx, v);
    return v;
  }

  private static LabelResult direct(EstimatorSpec spec, StochasticLinearSystem system, double[] vStar, int exactMaxP,
      Map<String, DirectSolution> solved) {
    long start = System.nanoTime();
    DirectSolution sol = solved.computeIfAbsent(spec.label(), k -> Estimators.solveDirect(spec, system, exactMaxP));
    double[] v = readOut(system, sol.x());
    double err = Blas.distance(v, vStar);
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("solver_iterations", sol.iterations());
    extra.put("relative_residual", sol.residual());
    extra.put("converged", sol.converged());
    ErrorSummary summary = ErrorSummary.of(new double[][] {{err}});
    return new LabelResult(spec, summary, v, (System.nanoTime() - start) / 1e9, extra);
  }

  private static void printBest(PrintStream log, List<SweepReport.Best> best) {
    int width = best.stream().mapToInt(b -> b.result().spec().label().length()).max().orElse(10);
    log.printf(Locale.ROOT, "%-22s %-" + width + "s  %12s  %12s  %7s%n", "family", "best configuration", "final mean",
        "last 10%", "× best");
    double top = best.isEmpty() ? 1 : best.get(0).result().errors().last10Mean();
    for (SweepReport.Best b : best) {
      log.printf(Locale.ROOT, "%-22s %-" + width + "s  %12.4e  %12.4e  %7.2f%n", b.family(), b.result().spec().label(),
          b.result().errors().finalMean(), b.result().errors().last10Mean(), b.result().errors().last10Mean() / top);
    }
  }

  private static void printTable(PrintStream log, List<LabelResult> results) {
    int width = results.stream().mapToInt(r -> r.spec().label().length()).max().orElse(10);
    log.printf(Locale.ROOT, "%-" + width + "s  %12s  %12s  %12s  %9s%n", "label", "final mean", "final std", "last 10%",
        "seconds");
    for (LabelResult r : results) {
      log.printf(Locale.ROOT, "%-" + width + "s  %12.4e  %12.4e  %12.4e  %9.2f%n", r.spec().label(),
          r.errors().finalMean(), r.errors().finalStd(), r.errors().last10Mean(), r.seconds());
    }
  }
}
