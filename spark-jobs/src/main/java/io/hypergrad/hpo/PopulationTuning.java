package io.hypergrad.hpo;

import io.hypergrad.config.InvalidConfigException;
import io.hypergrad.config.JobConfig;
import io.hypergrad.linalg.Blas;
import io.hypergrad.model.GlmBilevelProblem;
import io.hypergrad.optim.Optimizer;
import io.hypergrad.oracle.CounterSampler;
import io.hypergrad.population.AttentionTeacher;
import io.hypergrad.population.HypergradientPopulation;
import io.hypergrad.population.Mutator;
import io.hypergrad.population.RandomMutation;
import io.hypergrad.population.Student;
import io.hypergrad.spark.SparkSessions;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * {@code hpo} with {@code method = hpm | pbt | random-search}: a population of {@code
 * population.size} students ({@link HypergradientPopulation}), each an hpo member that runs {@code
 * population.ready_steps} outer steps of hypergradient descent ({@link HypergradientDescent} with
 * {@code population.member_method}) per round from its own λ, starting at λ_init +
 * U(−init_spread, init_spread) per hyperparameter. After each round the bottom {@code truncation}
 * are replaced by copies (model, optimiser states, λ) of top students, mutated by HPM's attention
 * teacher or, for {@code pbt}, at random; {@code random-search} keeps every student at its drawn λ
 * and only trains its model, as long as the population's students live (each round {@code ready_steps}
 * inner phases, without the hypergradients). One history row per round, for the round's best student.
 *
 * <p>A student whose hypergradient diverges in a round (its λ moved where the member method's scale
 * is too large) keeps its state from before the round with a loss of +∞: it ranks last and is
 * replaced by a mutated copy of a top student, as PBT replaces a failed member; the teacher does not
 * learn from such a mutation (its reward is not finite).
 *
 * <p>On the driver plan each round's students run as Spark tasks, one per task: the problem is
 * broadcast once, each task gets its student's state and returns the trained one. A student's
 * minibatches come from a stream keyed by (seed, student, its step), so where it runs changes
 * nothing. On the distributed plan the rows live on the executors and every pass is already a job
 * over them: the students then run one after another on the driver.
 */
final class PopulationTuning implements OuterMethod {

  static boolean isPopulation(String method) {
    return List.of(HypergradientPopulation.HPM, HypergradientPopulation.PBT, HypergradientPopulation.RANDOM_SEARCH)
        .contains(method);
  }

  /** What a student trains besides λ: the inner model, both optimisers' states and its step count. */
  record Member(double[] x, Optimizer.State inner, Optimizer.State outer, int steps) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /** A student shipped to a task and back, with the rows its steps read (Student itself stays Spark-free). */
  record Shipped(int index, double[] lambda, double[] hypergradient, double loss, Member member, long samples)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    static Shipped of(int index, Student<Member> s) {
      return new Shipped(index, s.lambda(), s.hypergradient(), s.loss(), s.state(), 0);
    }

    Student<Member> student() {
      return new Student<>(lambda, hypergradient, loss, member);
    }
  }

  private final HpoSettings s;
  private final HpoProblem problem;
  private final int readySteps;
  private final boolean tasks;
  private final HypergradientPopulation<Member> population;
  private final HypergradientPopulation.Trainer<Member> trainer;
  private Broadcast<GlmBilevelProblem> shared;
  private long roundSamples;
  private Student<Member> best;

  PopulationTuning(JobConfig cfg, HpoSettings s, HpoProblem problem) {
    this.s = s;
    this.problem = problem;
    int size = cfg.getPositiveInt("population.size");
    readySteps = cfg.getPositiveInt("population.ready_steps");
    double truncation = cfg.getDouble("population.truncation");
    if (!(truncation >= 0 && truncation <= 0.5)) {
      throw new InvalidConfigException(cfg.where("population.truncation") + ": must be in [0, 0.5], got " + truncation);
    }
    double sigma = cfg.getDouble("population.mutation_scale");
    if (!(sigma > 0)) {
      throw new InvalidConfigException(cfg.where("population.mutation_scale") + ": must be > 0, got " + sigma);
    }
    double spread = cfg.getDouble("population.init_spread");
    if (!(spread >= 0)) {
      throw new InvalidConfigException(cfg.where("population.init_spread") + ": must be ≥ 0, got " + spread);
    }
    double teacherLr = cfg.getDouble("population.teacher_lr");
    if (!(teacherLr >= 0)) {
      throw new InvalidConfigException(cfg.where("population.teacher_lr") + ": must be ≥ 0, got " + teacherLr);
    }
    tasks = cfg.getBoolean("population.tasks") && problem.plan().equals("driver");
    Mutator mutator = switch (s.method()) {
      case HypergradientPopulation.HPM -> new AttentionTeacher(problem.q(), sigma, teacherLr);
      case HypergradientPopulation.PBT -> new RandomMutation(sigma);
      default -> null;
    };
    trainer = new HypergradientPopulation.Trainer<>() {
      @Override
      public List<Student<Member>> train(int round, List<Student<Member>> students) {
        return trainAll(students);
      }

      @Override
      public Student<Member> fresh(double[] lambda) {
        return untrained(lambda);
      }
    };
    population = new HypergradientPopulation<>(s.method(), size, truncation, mutator, s.seed(), problem.lambda(), spread,
        trainer);
  }

  /** A student at λ with an untrained model (x = 0) and no optimiser state yet. */
  private Student<Member> untrained(double[] lambda) {
    return new Student<>(lambda, new double[lambda.length], Double.NaN, new Member(new double[problem.p()],
        Optimizer.State.NONE, Optimizer.State.NONE, 0));
  }

  private List<Student<Member>> trainAll(List<Student<Member>> students) {
    List<Shipped> in = new ArrayList<>();
    for (int i = 0; i < students.size(); i++) {
      in.add(Shipped.of(i, students.get(i)));
    }
    List<Shipped> out;
    if (tasks) {
      JavaSparkContext sc = SparkSessions.context();
      if (shared == null) {
        shared = sc.broadcast(problem.glm());
      }
      Broadcast<GlmBilevelProblem> b = shared;
      HpoSettings settings = s;
      int ready = readySteps;
      String plan = problem.plan();
      sc.setJobDescription("hpo " + s.method() + ": " + students.size() + " students, " + ready + " steps each");
      out = new ArrayList<>(sc.parallelize(in, in.size()).map(st -> trainStudent(st, b.value(), plan, settings, ready))
          .collect());
      out.sort((a, c) -> Integer.compare(a.index(), c.index()));
    } else {
      out = new ArrayList<>();
      for (Shipped st : in) {
        out.add(trainStudent(st, problem.glm(), problem.plan(), s, readySteps));
      }
    }
    List<Student<Member>> trained = new ArrayList<>();
    roundSamples = 0;
    for (Shipped st : out) {
      trained.add(st.student());
      roundSamples += st.samples();
    }
    return trained;
  }

  /**
   * One student's local steps, wherever it runs: an untrained one first trains its model (the
   * start's inner phase), then {@code ready} outer steps of hypergradient descent — or, for random
   * search, {@code ready} inner phases in all at its fixed λ (each ends the phase an outer step does).
   */
  static Shipped trainStudent(Shipped in, GlmBilevelProblem base, String plan, HpoSettings s, int ready) {
    Student<Member> st = in.student();
    Member m = st.state();
    // the student's own minibatch streams: keyed by its index, then by its step (HypergradientDescent)
    HpoSettings mine = s.withSeed(CounterSampler.streamKey(s.seed(), 4, in.index()));
    HpoProblem own = new HpoProblem(base.withLambda(st.lambda()), null, plan);
    try {
      HypergradientDescent hd = new HypergradientDescent(mine, own);
      long samples = 0;
      int steps = m.steps();
      if (steps == 0) {
        samples += hd.start().samples();
      } else {
        // the descent moves λ and x in place, and a copied student shares its parent's arrays
        hd.restore(new HpoCheckpoint.State(steps, st.lambda().clone(), m.x().clone(), m.inner(), m.outer(), mine.seed(),
            0, 0, List.of()), "the population");
      }
      boolean search = s.method().equals(HypergradientPopulation.RANDOM_SEARCH);
      double[] v = st.hypergradient();
      try {
        // random search: a fresh draw's first inner phase is the first of its round's phases
        for (int j = search && steps == 0 ? 2 : 1; j <= ready; j++) {
          if (search) {
            samples += hd.innerOnly().samples();
          } else {
            samples += hd.step(steps + j).samples();
            v = hd.lastHypergradient();
          }
        }
      } catch (io.hypergrad.estimator.DivergenceException e) {
        // a student whose λ went where its hypergradient diverges is a failed member, not a failed
        // run: it keeps its state from before the round and ranks last, to be replaced by a copy
        return new Shipped(in.index(), in.lambda(), new double[in.lambda().length], Double.POSITIVE_INFINITY, m, samples);
      }
      double loss = own.validationLoss(hd.x());
      HpoCheckpoint.State state = hd.state(steps + ready, 0, 0, List.of());
      return new Shipped(in.index(), hd.lambda().clone(), v, loss, new Member(hd.x().clone(), state.inner(),
          state.outer(), steps + ready), samples);
    } finally {
      own.releaseWeights();
    }
  }

  @Override
  public Progress start() {
    // the students' first inner phases belong to round 1; row 0 is the population's centre, untrained
    best = untrained(problem.lambda());
    return new Progress(Double.NaN, Double.NaN, 0, 0);
  }

  @Override
  public Progress step(int k) {
    long t0 = System.nanoTime();
    best = population.round(k, trainer);
    if (best.loss() == Double.POSITIVE_INFINITY) {
      throw new io.hypergrad.estimator.DivergenceException("round " + k + ": every student's hypergradient diverged by "
          + s.spec().label() + " (outer.lr = " + s.outerLr() + "); lower outer.lr, population.init_spread or the member "
          + "method's scale", Double.NaN);
    }
    return new Progress(Blas.norm(best.hypergradient()), Double.NaN, roundSamples, (System.nanoTime() - t0) / 1e9);
  }

  @Override
  public double[] lambda() {
    return best.lambda();
  }

  @Override
  public double[] x() {
    return best.state().x();
  }

  @Override
  public String stepName() {
    return "round";
  }

  @Override
  public Map<String, Object> summary(int steps) {
    // every student is a HypergradientDescent member: its settings first
    Map<String, Object> m = HypergradientDescent.summary(s);
    m.put("member_method", s.spec().label());
    m.put("population", population.students().size());
    m.put("ready_steps", readySteps);
    m.put("student_tasks", tasks);
    if (population.mutator() instanceof AttentionTeacher teacher) {
      double[] gates = new double[problem.q()];
      for (int d = 0; d < gates.length; d++) {
        gates[d] = teacher.gate(d);
      }
      m.put("teacher_gate_mean", java.util.Arrays.stream(gates).average().orElse(Double.NaN));
    }
    return m;
  }

  @Override
  public Map<String, Table> tables() {
    return Map.of("population", new Table(HypergradientPopulation.LOG_COLUMNS, population.log()));
  }

  @Override
  public void release() {
    if (shared != null) {
      shared.destroy();
      shared = null;
    }
  }

  // ---- checkpoint: every student, the round's best, the pending mutations, the teacher and the log ----

  @Override
  public HpoCheckpoint.State state(int step, long samples, double seconds, List<double[]> history) {
    Map<String, double[]> ms = new LinkedHashMap<>();
    List<Student<Member>> students = population.students();
    for (int i = 0; i < students.size(); i++) {
      put(ms, "student." + i, students.get(i));
    }
    put(ms, "shown", best);
    List<HypergradientPopulation.Pending> pending = population.pending();
    for (int c = 0; c < pending.size(); c++) {
      HypergradientPopulation.Pending p = pending.get(c);
      double[] row = new double[2 + p.scoreGradient().length];
      row[0] = p.child();
      row[1] = p.parentLoss();
      System.arraycopy(p.scoreGradient(), 0, row, 2, p.scoreGradient().length);
      ms.put("pending." + c, row);
    }
    ms.put("mutator", population.mutator() == null ? new double[0] : population.mutator().state());
    List<double[]> log = population.log();
    double[] flat = new double[log.size() * HypergradientPopulation.LOG_COLUMNS.length];
    for (int r = 0; r < log.size(); r++) {
      System.arraycopy(log.get(r), 0, flat, r * HypergradientPopulation.LOG_COLUMNS.length,
          HypergradientPopulation.LOG_COLUMNS.length);
    }
    ms.put("log", flat);
    return new HpoCheckpoint.State(step, best.lambda(), best.state().x(), Optimizer.State.NONE, Optimizer.State.NONE,
        s.seed(), samples, seconds, history,
        ms);
  }

  @Override
  public void restore(HpoCheckpoint.State state, String location) {
    Map<String, double[]> ms = state.methodState();
    int n = population.students().size();
    if (!ms.containsKey("student.0.lambda") || ms.containsKey("student." + n + ".lambda")
        || !ms.containsKey("student." + (n - 1) + ".lambda")) {
      throw new HpoCheckpoint.RefusedException("checkpoint in " + location + " does not hold a population of " + n);
    }
    List<Student<Member>> students = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Student<Member> st = get(ms, "student." + i);
      if (st.lambda().length != problem.q() || st.state().x().length != problem.p()) {
        throw new HpoCheckpoint.RefusedException("checkpoint in " + location + " has p = " + st.state().x().length
            + ", q = " + st.lambda().length + "; this problem has p = " + problem.p() + ", q = " + problem.q());
      }
      students.add(st);
    }
    List<HypergradientPopulation.Pending> pending = new ArrayList<>();
    for (int c = 0; ms.containsKey("pending." + c); c++) {
      double[] row = ms.get("pending." + c);
      pending.add(new HypergradientPopulation.Pending((int) row[0], row[1],
          java.util.Arrays.copyOfRange(row, 2, row.length)));
    }
    double[] flat = ms.get("log");
    int w = HypergradientPopulation.LOG_COLUMNS.length;
    List<double[]> log = new ArrayList<>();
    for (int r = 0; r < flat.length / w; r++) {
      log.add(java.util.Arrays.copyOfRange(flat, r * w, (r + 1) * w));
    }
    population.restore(students, pending, log, ms.get("mutator"));
    best = get(ms, "shown");
  }

  private static void put(Map<String, double[]> ms, String key, Student<Member> st) {
    Member m = st.state();
    ms.put(key + ".lambda", st.lambda());
    ms.put(key + ".hypergradient", st.hypergradient());
    ms.put(key + ".counts", new double[] {st.loss(), m.steps(), m.inner().steps(), m.outer().steps()});
    ms.put(key + ".x", m.x());
    ms.put(key + ".inner.first", m.inner().first());
    ms.put(key + ".inner.second", m.inner().second());
    ms.put(key + ".outer.first", m.outer().first());
    ms.put(key + ".outer.second", m.outer().second());
  }

  private static Student<Member> get(Map<String, double[]> ms, String key) {
    double[] c = ms.get(key + ".counts");
    return new Student<>(ms.get(key + ".lambda"), ms.get(key + ".hypergradient"), c[0], new Member(ms.get(key + ".x"),
        new Optimizer.State((long) c[2], ms.get(key + ".inner.first"), ms.get(key + ".inner.second")),
        new Optimizer.State((long) c[3], ms.get(key + ".outer.first"), ms.get(key + ".outer.second")), (int) c[1]));
  }
}
