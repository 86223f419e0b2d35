package io.hypergrad.estimator;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Step sizes lr_t (t = 0, 1, …) of the Krasnoselskii–Mann relaxation. Every schedule here is
 * non-increasing, so checking lr_0 ≤ 1 and lr_{T−1} > 0 checks 0 < lr_t ≤ 1 for the whole run.
 */
public sealed interface StepSchedule extends java.io.Serializable {

  double rate(long t);

  /** Config name: const, linear, root, exp, poly. */
  String name();

  /** The parameters by their config names, for labels and summaries. */
  Map<String, Object> params();

  /** Throws IllegalArgumentException unless 0 < lr_t ≤ 1 for t in [0, horizon). */
  default void validate(long horizon) {
    double first = rate(0);
    double last = rate(Math.max(0, horizon - 1));
    if (!(first > 0 && first <= 1)) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "schedule %s%s gives lr_0 = %s; step sizes must lie in (0, 1]", name(), params(), first));
    }
    if (!(last > 0)) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "schedule %s%s reaches lr = %s by iteration %d; step sizes must stay positive", name(), params(), last, horizon - 1));
    }
  }

  /** η. */
  record Constant(double eta) implements StepSchedule {
    public double rate(long t) {
      return eta;
    }

    public String name() {
      return "const";
    }

    public Map<String, Object> params() {
      return Map.of("eta", eta);
    }
  }

  /** η₀ / (t₀ + t + 1): Σ lr = ∞, Σ lr² < ∞. */
  record Linear(double eta0, double t0) implements StepSchedule {
    public Linear {
      requireNonNegative("t0", t0);
    }

    public double rate(long t) {
      return eta0 / (t0 + t + 1);
    }

    public String name() {
      return "linear";
    }

    public Map<String, Object> params() {
      return ordered("eta0", eta0, "t0", t0);
    }
  }

  /** η₀ / √(t₀ + t + 1). */
  record Root(double eta0, double t0) implements StepSchedule {
    public Root {
      requireNonNegative("t0", t0);
    }

    public double rate(long t) {
      return eta0 / Math.sqrt(t0 + t + 1);
    }

    public String name() {
      return "root";
    }

    public Map<String, Object> params() {
      return ordered("eta0", eta0, "t0", t0);
    }
  }

  /** η₀·e^(−k·t). */
  record Exponential(double eta0, double k) implements StepSchedule {
    public Exponential {
      requireNonNegative("k", k);
    }

    public double rate(long t) {
      return eta0 * Math.exp(-k * t);
    }

    public String name() {
      return "exp";
    }

    public Map<String, Object> params() {
      return ordered("eta0", eta0, "k", k);
    }
  }

  /** (η₀ − η_end)(1 − min(t/T, 1))^power + η_end, T = the run's iteration count. */
  record Polynomial(double eta0, double etaEnd, double power, long horizon) implements StepSchedule {
    public Polynomial {
      requireNonNegative("eta_end", etaEnd);
      if (!(power > 0)) {
        throw new IllegalArgumentException("schedule poly needs power > 0, got " + power);
      }
      if (etaEnd > eta0) {
        throw new IllegalArgumentException("schedule poly needs eta_end ≤ eta0, got eta_end " + etaEnd + " > eta0 " + eta0);
      }
      if (horizon <= 0) {
        throw new IllegalArgumentException("schedule poly needs a positive horizon, got " + horizon);
      }
    }

    public double rate(long t) {
      double frac = Math.min((double) t / horizon, 1.0);
      return (eta0 - etaEnd) * Math.pow(1.0 - frac, power) + etaEnd;
    }

    public String name() {
      return "poly";
    }

    public Map<String, Object> params() {
      return ordered("eta0", eta0, "eta_end", etaEnd, "power", power);
    }
  }

  private static void requireNonNegative(String key, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("schedule parameter " + key + " must be a finite number ≥ 0, got " + value);
    }
  }

  private static Map<String, Object> ordered(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
