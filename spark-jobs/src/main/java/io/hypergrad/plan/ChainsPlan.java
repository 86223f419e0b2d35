package io.hypergrad.plan;

import io.hypergrad.estimator.DivergenceException;
import io.hypergrad.estimator.EstimatorSpec;
import io.hypergrad.oracle.CounterSampler;
import io.hypergrad.oracle.StochasticLinearSystem;
import io.hypergrad.output.LabelResult;
import io.hypergrad.run.ChainResult;
import io.hypergrad.run.ChainRunner;
import io.hypergrad.model.GlmLinearSystem;
import java.io.PrintStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The {@code chains} plan (DESIGN §3): one pass over the cached partitions gathers every training
 * row any chain will draw (T·b rows per chain, the same rows for every configuration of a seed), the
 * gathered rows are broadcast, and the (configuration, seed) chains run inside executor tasks, a
 * contiguous group per task. Results come back in (configuration, seed) order and are reduced as the
 * driver plan reduces them, so the two plans agree bit for bit.
 */
public final class ChainsPlan {
  private ChainsPlan() {}

  /** A chain's outcome, or the divergence that stopped it (thrown again on the driver). */
  private record Outcome(ChainResult result, String divergence, double safeScale) implements Serializable {}

  /** The chains of one task: work items [from, to) of the (configuration, seed) list. */
  private record Group(int from, int to) implements Serializable {}

  /**
   * Runs the chains in executor tasks. A GLM system first gathers, in one pass, the training rows
   * its chains draw (a system in this JVM is its own); the system the tasks run on is broadcast.
   */
  public static List<LabelResult> run(JavaSparkContext jsc, StochasticLinearSystem system, double[] vStar, List<EstimatorSpec> specs,
      int seeds, long baseSeed, int batch, int iterations, int every, double divergenceFactor, int tasks, PrintStream log) {
    long start = System.nanoTime();
    CounterSampler sampler = new CounterSampler(baseSeed, system.rowCount(), batch);
    StochasticLinearSystem onTasks = system;
    if (system instanceof GlmLinearSystem glm) {
      GlmLinearSystem gathered = glm.gathered(sampler, seeds, iterations, glm.problem().hyperModel().instanceWise());
      log.printf(Locale.ROOT, "chains plan: gathered %d of %d training rows in one pass (%.1f s); %d chains in %d tasks%n",
          gathered.problem().train().size(), system.rowCount(), (System.nanoTime() - start) / 1e9, specs.size() * seeds, tasks);
      onTasks = gathered;
    } else {
      log.printf(Locale.ROOT, "chains plan: broadcasting the whole problem; %d chains in %d tasks%n", specs.size() * seeds, tasks);
    }
    if (!(onTasks instanceof Serializable)) {
      throw new IllegalArgumentException("plan chains needs a task whose system can be broadcast");
    }
    return run(jsc, onTasks, system.rowCount(), system.q(), sampler, vStar, specs, seeds, iterations, every, divergenceFactor,
        tasks, log, start);
  }

  private static List<LabelResult> run(JavaSparkContext jsc, StochasticLinearSystem onTasks, int rowCount, int q, CounterSampler sampler,
      double[] vStar, List<EstimatorSpec> specs, int seeds, int iterations, int every, double divergenceFactor, int tasks,
      PrintStream log, long start) {
    Broadcast<StochasticLinearSystem> context = jsc.broadcast(onTasks);

    int total = specs.size() * seeds;
    List<Group> groups = new ArrayList<>();
    for (int k = 0; k < tasks; k++) {
      int from = (int) ((long) total * k / tasks);
      int to = (int) ((long) total * (k + 1) / tasks);
      if (to > from) {
        groups.add(new Group(from, to));
      }
    }
    double[] reference = vStar.clone();
    List<EstimatorSpec> specList = List.copyOf(specs);
    // progress from the listener bus: executors cannot print to this log
    long runStart = System.nanoTime();
    java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger chainsDone = new java.util.concurrent.atomic.AtomicInteger();
    int[] groupSize = groups.stream().mapToInt(g -> g.to() - g.from()).toArray();
    org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
        if (!"Success".equals(String.valueOf(end.reason())) || end.taskInfo().index() >= groupSize.length) {
          return;
        }
        int finished = done.incrementAndGet();
        int c = chainsDone.addAndGet(groupSize[end.taskInfo().index()]);
        double elapsed = (System.nanoTime() - runStart) / 1e9;
        double rate = c / Math.max(elapsed, 1e-9);
        log.printf(Locale.ROOT, "  chains %d/%d (%d/%d tasks)  %.1f chains/s  elapsed %.1f s  ETA %.1f s%n", c, total, finished,
            groupSize.length, rate, elapsed, (total - c) / Math.max(rate, 1e-9));
      }
    };
    jsc.sc().addSparkListener(listener);
    List<List<Outcome>> perGroup;
    try {
      perGroup = jsc.parallelize(groups, groups.size()).map(group -> {
      ChainRunner runner = new ChainRunner(context.value(), reference, divergenceFactor);
      List<Outcome> out = new ArrayList<>();
      for (int item = group.from(); item < group.to(); item++) {
        try {
          out.add(new Outcome(runner.run(specList.get(item / seeds), sampler, item % seeds, iterations, every), null, 0));
        } catch (DivergenceException e) {
          out.add(new Outcome(null, e.getMessage(), e.largestSafeScale()));
        }
      }
      return out;
    }).collect();
    } finally {
      jsc.sc().removeSparkListener(listener);
    }

    List<ChainResult> flat = new ArrayList<>(total);
    for (List<Outcome> group : perGroup) {
      for (Outcome o : group) {
        if (o.divergence() != null) {
          throw new DivergenceException(o.divergence(), o.safeScale());
        }
        flat.add(o.result());
      }
    }
    context.destroy();
    List<LabelResult> results = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      results.add(DriverPlan.reduce(specs.get(i), flat.subList(i * seeds, (i + 1) * seeds), every, iterations, q));
    }
    log.printf(Locale.ROOT, "chains plan: %d chains × %d iterations in %.1f s%n", total, iterations,
        (System.nanoTime() - start) / 1e9);
    return results;
  }
}
