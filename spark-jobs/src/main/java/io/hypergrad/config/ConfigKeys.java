package io.hypergrad.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every config key, once: its group, its default, and which jobs take which groups. A job loads
 * its config against the keys of its groups (anything else is refused with file and line), and
 * {@link JobConfig}'s getters without a fallback read the default from here. conf/README.md
 * documents the same groups, checked against this registry by a test.
 */
public final class ConfigKeys {

  /** A key and its default; null where the default is derived (documented) or the key is required. */
  public record Key(String name, Object defaultValue) {}

  /** Keys that belong together, taken whole by the jobs that need them. */
  public enum Group {
    NAME(key("name", null)),
    TASK(key("task", null)),
    DATA_SOURCE(key("data.format", null), key("data.paths", null), key("data.label_column", null),
        key("data.separator", ","), key("data.num_features", 0), key("data.california_features", "sklearn"),
        key("data.scaler", "none"), key("data.split.train", 0.5), key("data.split.val", 0.5), key("data.split.test", 0),
        key("data.split.method", "permutation"), key("data.split.column", null), key("data.seed", 0L), key("data.label_noise.fraction", 0), key("data.label_noise.seed", 0L)),
    DATA_TABLE(key("data.source.format", null), key("data.source.path", null), key("data.source.paths", null),
        key("data.source.table", null), key("data.source.validation_path", null), key("data.source.test_path", null), key("data.source.label", null), key("data.source.features", null),
        key("data.source.exclude", null), key("data.source.categorical", null), key("data.source.encoding", "onehot"),
        key("data.source.id", null), key("data.source.weight", null), key("data.source.group", null), key("data.source.header", true), key("data.source.separator", ","),
        key("data.source.schema", null), key("data.source.num_features", 0), key("data.source.options", null),
        key("data.on_bad_row", "fail")),
    DATA_PREPARED(key("data.prepared", null)),
    GLM_PROBLEM(key("problem.model", "logistic"), key("problem.hyper_model", "l2"), key("problem.rho", 0.1),
        key("problem.model_ridge", 0), key("problem.activation", "none"), key("problem.lambda_init", null),
        key("problem.lambda_std", 0), key("problem.inner_tol", 1e-9),
        key("problem.inner_max_iter", 100), key("problem.intercept", false)),
    SYNTHETIC_PROBLEM(key("problem.size", 100), key("problem.n_parent", 1000), key("problem.epsilon", 0.01)),
    PROBLEM_SEED(key("problem.seed", 0L)),
    SAMPLING(key("seed", 0L), key("batch", 1)),
    ITERATIONS(key("iterations", 10_000)),
    ESTIMATE(key("seeds", 10), key("error_every", 1), key("reference", "auto"), key("estimators", null),
        key("all_curves", false)),
    PLAN(key("plan", "auto")),
    PARTITIONS(key("partitions", 4)),
    CHAIN_EXECUTION(key("threads", null), key("chain_tasks", null), key("distributed_lanes", 64)),
    SOLVERS(key("exact_max_p", 4000), key("divergence_factor", 1e8)),
    ESTIMATOR_PARAMETERS(key("scale", null), key("alpha", null), key("a", null), key("schedule", null), key("eta", null),
        key("eta0", null), key("t0", null), key("k", null), key("eta_end", null), key("power", null), key("tol", null),
        key("max_iter", null)),
    METHOD(key("method", "mixed-fp-km")),
    INFLUENCE(key("influence.target", "validation"), key("influence.query_split", "test"), key("influence.max_queries", 0), key("influence.rank", 100), key("influence.power_steps", 2), key("compare_cg", false), key("top_k", 20), key("histogram_bins", 60), key("noise_top_fraction", 0.1)),
    HPO(key("depth", 100), key("outer.steps", 100), key("outer.optimizer", "sgd"), key("outer.lr", 1.0),
        key("inner.solver", "adam"), key("inner.steps", 100), key("inner.lr", 0.01), key("inner.tol", 1e-9),
        key("time_budget", 0), key("checkpoint_dir", null), key("baseline.enabled", false), key("baseline.reg_params", null),
        key("baseline.max_iter", 200)),
    JOINT(key("joint.step_size", 0.1), key("joint.outer_ratio", 1.0), key("joint.newton_steps", 1),
        key("joint.fisher_smoothing", 0.99), key("joint.fisher_samples", null), key("joint.fisher_blocks", 1),
        key("joint.fisher_refresh", 100), key("joint.eval_every", 100), key("joint.outer_batch", null)),
    FDS(key("fds.horizon", 1000), key("fds.lr_windows", 7), key("fds.momentum_windows", 1),
        key("fds.weight_decay_windows", 1), key("fds.lr_init", 0.0), key("fds.momentum_init", 0.0),
        key("fds.weight_decay_init", 0.0), key("fds.lr_step", 0.1), key("fds.momentum_step", 0.1),
        key("fds.weight_decay_step", 3e-4), key("fds.step_decay", 0.5), key("fds.momentum_max", 0.99),
        key("fds.learn", null)),
    POPULATION(key("population.size", 20), key("population.ready_steps", 5), key("population.truncation", 0.2),
        key("population.mutation_scale", 0.5), key("population.init_spread", 1.0),
        key("population.member_method", "mixed-fp-km"), key("population.teacher_lr", 0.1),
        key("population.tasks", true));

    private final List<Key> keys;

    Group(Key... keys) {
      this.keys = List.of(keys);
    }

    public List<Key> keys() {
      return keys;
    }
  }

  /** The jobs and the groups each takes. */
  public enum Job {
    PREPARE(Group.NAME, Group.DATA_SOURCE, Group.DATA_TABLE, Group.PARTITIONS),
    ESTIMATE(Group.NAME, Group.TASK, Group.DATA_SOURCE, Group.DATA_TABLE, Group.DATA_PREPARED, Group.GLM_PROBLEM, Group.SYNTHETIC_PROBLEM,
        Group.PROBLEM_SEED, Group.SAMPLING, Group.ITERATIONS, Group.ESTIMATE, Group.PLAN, Group.PARTITIONS,
        Group.CHAIN_EXECUTION, Group.SOLVERS, Group.ESTIMATOR_PARAMETERS),
    SWEEP(ESTIMATE.groups.toArray(new Group[0])),
    INFLUENCE(Group.NAME, Group.TASK, Group.DATA_SOURCE, Group.DATA_TABLE, Group.DATA_PREPARED, Group.GLM_PROBLEM, Group.PROBLEM_SEED,
        Group.SAMPLING, Group.ITERATIONS, Group.PARTITIONS, Group.SOLVERS, Group.ESTIMATOR_PARAMETERS, Group.METHOD,
        Group.INFLUENCE),
    HPO(Group.NAME, Group.TASK, Group.DATA_SOURCE, Group.DATA_TABLE, Group.DATA_PREPARED, Group.GLM_PROBLEM, Group.PROBLEM_SEED,
        Group.SAMPLING, Group.PLAN, Group.PARTITIONS, Group.SOLVERS, Group.ESTIMATOR_PARAMETERS, Group.METHOD, Group.HPO,
        Group.JOINT, Group.FDS, Group.POPULATION);

    private final Set<Group> groups;

    Job(Group... groups) {
      this.groups = Collections.unmodifiableSet(EnumSet.of(groups[0], groups));
    }

    public Set<Group> groups() {
      return groups;
    }

    /** Every key the job takes. */
    public Set<String> keys() {
      Set<String> out = new LinkedHashSet<>();
      for (Group g : groups) {
        g.keys().forEach(k -> out.add(k.name()));
      }
      return out;
    }

    /** The job's name on the command line. */
    public String commandName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Built on first use: the groups' constants call {@link #key} while this class initialises. */
  private static final class Index {
    static final Map<String, Key> BY_NAME = index();
  }

  private ConfigKeys() {}

  private static Key key(String name, Object defaultValue) {
    return new Key(name, defaultValue);
  }

  /** Every key by name; a key belongs to one group. */
  private static Map<String, Key> index() {
    Map<String, Key> out = new LinkedHashMap<>();
    for (Group g : Group.values()) {
      for (Key k : g.keys()) {
        if (out.put(k.name(), k) != null) {
          throw new IllegalStateException("key " + k.name() + " is in two groups");
        }
      }
    }
    return out;
  }

  /** The group's name in conf/README.md: data-source for DATA_SOURCE. */
  public static String documentedName(Group group) {
    return group.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /** Every registered key. */
  public static List<String> all() {
    return new ArrayList<>(Index.BY_NAME.keySet());
  }

  /** The registered default of {@code key}. */
  static Object defaultOf(String key) {
    Key k = Index.BY_NAME.get(key);
    if (k == null || k.defaultValue() == null) {
      throw new IllegalStateException("config key '" + key + "' has no registered default; the caller must give one");
    }
    return k.defaultValue();
  }
}
