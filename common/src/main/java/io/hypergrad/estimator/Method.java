package io.hypergrad.estimator;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The estimators of DESIGN §1 by canonical name, with the reference code's names as aliases. */
public enum Method {
  NEUMANN("neumann", true, false, List.of()),
  UNROLL("unroll", true, false, List.of()),
  SID("sid", true, true, List.of("grazzi")),
  MIXED_FP("mixed-fp", true, false, List.of("vr")),
  MIXED_FP_KM("mixed-fp-km", true, true, List.of("vr_km", "vr-km")),
  CG("cg", false, false, List.of()),
  EXACT("exact", false, false, List.of());

  private final String canonicalName;
  private final boolean iterative;
  private final boolean scheduled;
  private final List<String> aliases;

  Method(String canonicalName, boolean iterative, boolean scheduled, List<String> aliases) {
    this.canonicalName = canonicalName;
    this.iterative = iterative;
    this.scheduled = scheduled;
    this.aliases = aliases;
  }

  /** The name used in configs, labels and outputs. */
  public String canonicalName() {
    return canonicalName;
  }

  /** Stochastic, sample-driven (as opposed to a deterministic solve on the full-batch A). */
  public boolean isIterative() {
    return iterative;
  }

  /** Takes a step-size schedule lr_t (the Krasnoselskii–Mann relaxed methods). */
  public boolean isScheduled() {
    return scheduled;
  }

  /** Mixes a fixed-point and an unrolled iterate with rate alpha. */
  public boolean isMixed() {
    return this == MIXED_FP || this == MIXED_FP_KM;
  }

  /** Resolves a canonical name or an alias, case-insensitively. */
  public static Method parse(String name) {
    String key = name.trim().toLowerCase(Locale.ROOT);
    for (Method m : values()) {
      if (m.canonicalName.equals(key) || m.aliases.contains(key)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown method '" + name + "'; expected one of " + knownNames());
  }

  public static String knownNames() {
    return Arrays.stream(values())
        .map(m -> m.aliases.isEmpty() ? m.canonicalName : m.canonicalName + " (alias " + String.join(", ", m.aliases) + ")")
        .collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return canonicalName;
  }
}
