package io.hypergrad.plan;

import io.hypergrad.config.InvalidConfigException;
import io.hypergrad.config.JobConfig;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The execution plans (DESIGN §3) and the one rule that picks among them: {@code driver} (every row
 * in this JVM), {@code distributed} (one pass over cached partitions per sum), {@code chains} (one
 * gathering pass, then the chains inside executor tasks). {@code auto} decides by the training rows'
 * size and the minibatch, among the plans a job offers, and logs why.
 */
public final class ExecutionPlan {
  public static final String AUTO = "auto";
  public static final String DRIVER = "driver";
  public static final String DISTRIBUTED = "distributed";
  public static final String CHAINS = "chains";
  /** Bytes of training feature values up to which auto stays in the driver. */
  public static final long DRIVER_MAX_BYTES = 256L << 20;
  /** Minibatches from which auto prefers one pass per iteration to gathering rows for chains. */
  static final int DISTRIBUTED_MIN_BATCH = 1000;

  private ExecutionPlan() {}

  /** The configured {@code plan}: auto or one the job offers. */
  public static String configured(JobConfig cfg, List<String> offered) {
    String plan = cfg.getString("plan");
    if (!plan.equals(AUTO) && !offered.contains(plan)) {
      throw new InvalidConfigException(cfg.where("plan") + ": unknown plan '" + plan + "'; expected auto, "
          + String.join(", ", offered.subList(0, offered.size() - 1)) + " or " + offered.get(offered.size() - 1));
    }
    return plan;
  }

  /** Whether the plan keeps the rows on Spark executors. */
  public static boolean onSpark(String plan) {
    return plan.equals(DISTRIBUTED) || plan.equals(CHAINS);
  }

  /** The plan to run: the configured one, or auto's choice for {@code rows} × {@code features} doubles and minibatches of {@code batch}. */
  public static String resolve(String configured, long rows, int features, int batch, List<String> offered, PrintStream log) {
    if (!configured.equals(AUTO)) {
      log.printf(Locale.ROOT, "plan %s (as configured)%n", configured);
      return configured;
    }
    long bytes = 8L * rows * features;
    String chosen;
    String why;
    if (bytes <= DRIVER_MAX_BYTES) {
      chosen = DRIVER;
      why = String.format(Locale.ROOT, "the training rows (%.0f MB) fit this JVM comfortably (≤ %d MB)", bytes / 1e6,
          DRIVER_MAX_BYTES >> 20);
    } else if (batch >= DISTRIBUTED_MIN_BATCH || !offered.contains(CHAINS)) {
      chosen = DISTRIBUTED;
      why = batch >= DISTRIBUTED_MIN_BATCH ? "large rows and minibatches of " + batch + ": one pass over the partitions per "
          + "iteration" : "large rows: every full-batch sum is one pass over the partitions";
    } else {
      chosen = CHAINS;
      why = "large rows and small minibatches (" + batch + "): gather the sampled rows once, run the chains in executor tasks";
    }
    log.printf(Locale.ROOT, "plan auto → %s: %s%n", chosen, why);
    return chosen;
  }
}
