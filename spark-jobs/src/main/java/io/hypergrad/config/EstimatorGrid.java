package io.hypergrad.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.hypergrad.estimator.EstimatorSpec;
import io.hypergrad.estimator.Method;
import io.hypergrad.estimator.StepSchedule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Turns the {@code estimators} list of a config into estimator specs.
 *
 * <p>Each entry names a method; a parameter's value comes from, in order: a {@code --set} on the
 * command line, the entry, the config's top level. Any value may be a list, and an entry expands to
 * the cross product of its lists (so one entry can be a grid). {@code a} is accepted for
 * {@code alpha} as 1 − a, the reference code's convention. A key a method does not take is an error
 * in an entry; at the top level it is a default for the methods that take it.
 */
public final class EstimatorGrid {
  /** Every estimator parameter key, valid in entries, at the top level and with --set. */
  public static final Set<String> PARAM_KEYS = paramKeys();

  private static Set<String> paramKeys() {
    Set<String> keys = new LinkedHashSet<>();
    ConfigKeys.Group.ESTIMATOR_PARAMETERS.keys().forEach(k -> keys.add(k.name()));
    return java.util.Collections.unmodifiableSet(keys);
  }

  private EstimatorGrid() {}

  /** A configuration and the family it is compared in (the entry's {@code family}, or method + schedule). */
  public record Member(EstimatorSpec spec, String family) {}

  /** Expands every entry; grid points that break a constraint are reported to {@code skipped}, not run. */
  public static List<EstimatorSpec> expand(JobConfig cfg, long iterations, Consumer<String> skipped) {
    return expandWithFamilies(cfg, iterations, skipped).stream().map(Member::spec).toList();
  }

  /** As {@link #expand}, with each configuration's family (for the sweep's best-per-family selection). */
  public static List<Member> expandWithFamilies(JobConfig cfg, long iterations, Consumer<String> skipped) {
    Map<String, Member> byLabel = new LinkedHashMap<>();
    List<ConfigObject> entries = cfg.getObjectList("estimators");
    if (entries.isEmpty()) {
      throw new InvalidConfigException(cfg.where("estimators") + ": estimators is empty; list at least one, e.g. { method = mixed-fp-km }");
    }
    for (int i = 0; i < entries.size(); i++) {
      Config entry = entries.get(i).toConfig();
      String where = "estimators[" + i + "] (" + JobConfig.where(entries.get(i)) + ")";
      String family = entry.hasPath("family") ? entry.getString("family") : null;
      for (EstimatorSpec spec : expandEntry(cfg, entry, where, iterations, skipped)) {
        byLabel.putIfAbsent(spec.label(), new Member(spec, family != null ? family : defaultFamily(spec)));
      }
    }
    return new ArrayList<>(byLabel.values());
  }

  /**
   * The one configuration named by the top-level {@code method} key, its parameters from --set or
   * the top level: for jobs that run a single estimator (influence, hpo).
   */
  public static EstimatorSpec single(JobConfig cfg, long iterations) {
    return single(cfg, iterations, cfg.getString("method"), "method");
  }

  /** As {@link #single(JobConfig, long)}, the method named by the key {@code key} (its value {@code method}). */
  public static EstimatorSpec single(JobConfig cfg, long iterations, String method, String key) {
    Config entry = com.typesafe.config.ConfigFactory.parseMap(Map.of("method", method), key + " = " + method);
    String where = cfg.where(key);
    List<EstimatorSpec> specs = expandEntry(cfg, entry, where, iterations, skipped -> { });
    if (specs.size() != 1) {
      throw new InvalidConfigException(where + ": this job runs one configuration; give " + method
          + "'s parameters as single values, not lists (" + specs.size() + " configurations)");
    }
    return specs.get(0);
  }

  /** method, plus the schedule kind for scheduled methods: "sid linear", "mixed-fp-km const". */
  public static String defaultFamily(EstimatorSpec spec) {
    Object schedule = spec.params().get("schedule");
    return schedule == null ? spec.method().toString() : spec.method() + " " + schedule;
  }

  private static List<EstimatorSpec> expandEntry(JobConfig cfg, Config entry, String where, long iterations,
      Consumer<String> skipped) {
    if (!entry.hasPath("method")) {
      throw new InvalidConfigException(where + ": missing 'method'; one of " + Method.knownNames());
    }
    Method method;
    try {
      method = Method.parse(entry.getString("method"));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(where + ": " + e.getMessage(), e);
    }
    Set<String> takes = methodKeys(method);
    for (String key : entry.root().keySet()) {
      if (key.equals("method") || key.equals("family")) {
        continue;
      }
      if (!PARAM_KEYS.contains(key)) {
        throw new InvalidConfigException(where + ": unknown key '" + key + "'; estimator keys are method, " + PARAM_KEYS);
      }
      if (!takes.contains(key) && !isScheduleKey(key, method)) {
        throw new InvalidConfigException(where + ": " + method + " does not take '" + key + "'");
      }
    }
    Scopes scopes = new Scopes(cfg.overrides(), entry, cfg.raw(), where);
    List<Map<String, Object>> points = new ArrayList<>();
    points.add(new LinkedHashMap<>());
    for (String key : takes) {
      points = cross(points, key, scopes.values(key, method));
    }
    List<Map<String, Object>> full = new ArrayList<>();
    for (Map<String, Object> point : points) {
      if (method.isScheduled()) {
        String name = String.valueOf(point.get("schedule"));
        List<Map<String, Object>> withSchedule = List.of(point);
        for (String key : scheduleKeys(name, where)) {
          withSchedule = cross(withSchedule, key, scopes.values(key, method));
        }
        full.addAll(withSchedule);
      } else {
        full.add(point);
      }
    }
    if (full.size() == 1) {
      return List.of(build(method, full.get(0), where, iterations));
    }
    // a grid: points that break a constraint (say lr_0 > 1) are left out, unless all of them do
    List<EstimatorSpec> specs = new ArrayList<>();
    InvalidConfigException firstError = null;
    for (Map<String, Object> point : full) {
      try {
        specs.add(build(method, point, where, iterations));
      } catch (InvalidConfigException e) {
        skipped.accept(e.getMessage());
        firstError = firstError == null ? e : firstError;
      }
    }
    if (specs.isEmpty()) {
      throw firstError;
    }
    return specs;
  }

  private static Set<String> methodKeys(Method method) {
    Set<String> keys = new LinkedHashSet<>();
    if (method.isMixed()) {
      keys.add("alpha");
    }
    if (method.isIterative()) {
      keys.add("scale");
    }
    if (method.isScheduled()) {
      keys.add("schedule");
    }
    if (method == Method.CG) {
      keys.add("tol");
      keys.add("max_iter");
    }
    return keys;
  }

  private static boolean isScheduleKey(String key, Method method) {
    if (key.equals("a")) {
      return method.isMixed();
    }
    return method.isScheduled() && Set.of("eta", "eta0", "t0", "k", "eta_end", "power").contains(key);
  }

  private static List<String> scheduleKeys(String name, String where) {
    return switch (name) {
      case "const" -> List.of("eta");
      case "linear", "root" -> List.of("eta0", "t0");
      case "exp" -> List.of("eta0", "k");
      case "poly" -> List.of("eta0", "eta_end", "power");
      default -> throw new InvalidConfigException(where + ": unknown schedule '" + name
          + "'; expected const, linear, root, exp or poly");
    };
  }

  private static List<Map<String, Object>> cross(List<Map<String, Object>> points, String key, List<Object> values) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> point : points) {
      for (Object v : values) {
        Map<String, Object> next = new LinkedHashMap<>(point);
        next.put(key, v);
        out.add(next);
      }
    }
    return out;
  }

  private static EstimatorSpec build(Method method, Map<String, Object> v, String where, long iterations) {
    try {
      double scale = method.isIterative() ? num(v, "scale") : Double.NaN;
      double alpha = method.isMixed() ? num(v, "alpha") : Double.NaN;
      StepSchedule schedule = null;
      if (method.isScheduled()) {
        schedule = switch (String.valueOf(v.get("schedule"))) {
          case "const" -> new StepSchedule.Constant(num(v, "eta"));
          case "linear" -> new StepSchedule.Linear(num(v, "eta0"), num(v, "t0"));
          case "root" -> new StepSchedule.Root(num(v, "eta0"), num(v, "t0"));
          case "exp" -> new StepSchedule.Exponential(num(v, "eta0"), num(v, "k"));
          case "poly" -> new StepSchedule.Polynomial(num(v, "eta0"), num(v, "eta_end"), num(v, "power"), iterations);
          default -> throw new IllegalStateException("schedule checked above");
        };
        schedule.validate(iterations);
      }
      double tol = method == Method.CG ? num(v, "tol") : EstimatorSpec.DEFAULT_CG_TOL;
      int maxIter = method == Method.CG ? (int) num(v, "max_iter") : 1;
      return new EstimatorSpec(method, scale, alpha, schedule, tol, maxIter);
    } catch (InvalidConfigException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(where + ": " + e.getMessage(), e);
    }
  }

  private static double num(Map<String, Object> v, String key) {
    return ((Number) v.get(key)).doubleValue();
  }

  /** Where a parameter's value comes from: --set, then the entry, then the top level. */
  private record Scopes(Config overrides, Config entry, Config top, String where) {
    private static final Map<String, Object> DEFAULTS = Map.of("scale", 1.0, "tol", EstimatorSpec.DEFAULT_CG_TOL, "max_iter", 10000.0);

    List<Object> values(String key, Method method) {
      for (Config scope : List.of(overrides, entry, top)) {
        List<Object> found = inScope(scope, key);
        if (found != null) {
          return found;
        }
      }
      if (DEFAULTS.containsKey(key)) {
        return List.of(DEFAULTS.get(key));
      }
      String hint = key.equals("alpha") ? " (or a = 1 − alpha)" : "";
      throw new InvalidConfigException(where + ": " + method + " needs '" + key + "'" + hint
          + ", in the entry, at the top level or with --set " + key + "=…");
    }

    private List<Object> inScope(Config scope, String key) {
      if (key.equals("alpha")) {
        boolean hasAlpha = scope.hasPath("alpha");
        boolean hasA = scope.hasPath("a");
        if (hasAlpha && hasA) {
          throw new InvalidConfigException(JobConfig.where(scope.getValue("a")) + ": give alpha or a (= 1 − alpha), not both");
        }
        if (hasA) {
          List<Object> alphas = new ArrayList<>();
          for (Object a : read(scope, "a", true)) {
            alphas.add(1.0 - ((Number) a).doubleValue());
          }
          return alphas;
        }
      }
      return scope.hasPath(key) ? read(scope, key, !key.equals("schedule")) : null;
    }

    private static List<Object> read(Config scope, String key, boolean numeric) {
      ConfigValue value = scope.getValue(key);
      List<ConfigValue> items = new ArrayList<>();
      if (value.valueType() == ConfigValueType.LIST) {
        items.addAll(scope.getList(key));
      } else {
        items.add(value);
      }
      if (items.isEmpty()) {
        throw new InvalidConfigException(JobConfig.where(value) + ": " + key + " is an empty list");
      }
      List<Object> out = new ArrayList<>();
      for (ConfigValue item : items) {
        Object raw = item.unwrapped();
        if (numeric) {
          if (raw instanceof Number n) {
            out.add(n.doubleValue());
          } else {
            try {
              out.add(Double.parseDouble(String.valueOf(raw).trim()));
            } catch (NumberFormatException e) {
              throw new InvalidConfigException(JobConfig.where(item) + ": " + key + " must be a number, got '" + raw + "'");
            }
          }
        } else {
          if (!(raw instanceof String)) {
            throw new InvalidConfigException(JobConfig.where(item) + ": " + key + " must be a name, got " + raw);
          }
          out.add(raw);
        }
      }
      return out;
    }
  }
}
