package io.hypergrad.plan;

import io.hypergrad.config.JobConfig;
import io.hypergrad.estimator.EstimatorSpec;
import io.hypergrad.model.GlmLinearSystem;
import io.hypergrad.oracle.StochasticLinearSystem;
import io.hypergrad.output.LabelResult;
import io.hypergrad.spark.SparkSessions;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The (configuration, seed) chains of {@code estimate} and {@code sweep} on a resolved plan: in this
 * JVM ({@link DriverPlan}), riding shared passes over the partitions ({@link PassCoalescer}), or in
 * executor tasks ({@link ChainsPlan}). Every plan reduces the chains in the same order.
 *
 * @param chainTasks executor tasks for plan chains, 0 to choose
 */
public record ChainRun(int seeds, long baseSeed, int batch, int iterations, int every, int threads, double divergenceFactor,
    int chainTasks, int lanes) {

  public static ChainRun of(JobConfig cfg) {
    return new ChainRun(cfg.getPositiveInt("seeds"), cfg.getLong("seed"), cfg.getPositiveInt("batch"),
        cfg.getPositiveInt("iterations"), cfg.getPositiveInt("error_every"),
        cfg.getPositiveInt("threads", Runtime.getRuntime().availableProcessors()), cfg.getDouble("divergence_factor"),
        cfg.has("chain_tasks") ? cfg.getPositiveInt("chain_tasks", 1) : 0, cfg.getPositiveInt("distributed_lanes"));
  }

  /** Runs every configuration's chains; the distributed plan records its chains per pass in {@code info}. */
  public List<LabelResult> run(String plan, StochasticLinearSystem system, double[] vStar, List<EstimatorSpec> specs,
      Map<String, Object> info, PrintStream log) {
    int chains = specs.size() * seeds;
    if (plan.equals(ExecutionPlan.CHAINS)) {
      JavaSparkContext jsc = SparkSessions.context();
      // enough task groups to balance the cores and to report progress, few enough to keep task overhead small
      int tasks = chainTasks > 0 ? chainTasks
          : Math.max(1, Math.min(chains, Math.max(2 * jsc.defaultParallelism(), Math.min(64, chains / 20))));
      return ChainsPlan.run(jsc, system, vStar, specs, seeds, baseSeed, batch, iterations, every, divergenceFactor, tasks,
          log);
    }
    Progress progress = new Progress(log, chains, iterations);
    if (plan.equals(ExecutionPlan.DISTRIBUTED)) {
      // every chain its own thread, all riding one pass per iteration
      PassCoalescer coalescer = new PassCoalescer((GlmLinearSystem) system, 1000);
      List<LabelResult> results = DriverPlan.run(coalescer, vStar, specs, seeds, baseSeed, batch, iterations, every,
          Math.max(1, Math.min(chains, lanes)), divergenceFactor, progress, coalescer);
      log.printf(Locale.ROOT, "distributed plan: %.1f chains per pass on average%n", coalescer.requestsPerPass());
      info.put("chains_per_pass", coalescer.requestsPerPass());
      return results;
    }
    return DriverPlan.run(system, vStar, specs, seeds, baseSeed, batch, iterations, every, threads, divergenceFactor,
        progress);
  }
}
