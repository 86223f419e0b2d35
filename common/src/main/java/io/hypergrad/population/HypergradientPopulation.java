package io.hypergrad.population;

import io.hypergrad.linalg.Blas;
import io.hypergrad.oracle.CounterSampler;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A population searching hyperparameter space in rounds — HPM, its ablation PBT, and random search
 * of the same budget. Each round every student takes its local steps (hypergradient descent on its
 * own λ, by the {@link Trainer}, which may run them in parallel); then
 * <ul>
 *   <li>{@code hpm}/{@code pbt}: the bottom {@code truncation} of the students are replaced by
 *       copies of top ones ({@link TruncationSelection}) whose λ is mutated — by the attention
 *       teacher, which first learns from how the previous round's mutations turned out, or by a
 *       random perturbation;
 *   <li>{@code random-search}: nobody is replaced and the trainer never moves λ — each student is one
 *       draw from the initial distribution, trained for the whole run as long as the others live.
 * </ul>
 * Every random choice comes from a counter-based stream keyed by (seed, round, student), so a run
 * resumed from {@link #state} repeats the uninterrupted one exactly, wherever its students ran.
 *
 * @param <S> the state a student trains besides λ
 */
public final class HypergradientPopulation<S> {
  public static final String HPM = "hpm";
  public static final String PBT = "pbt";
  public static final String RANDOM_SEARCH = "random-search";
  /**
   * The columns of a round's log row per student: its loss, ‖λ‖ and ‖hypergradient‖ after the
   * round's local steps, which student's mutated copy then replaced it (−1: none), and whether it
   * was the round's best.
   */
  public static final String[] LOG_COLUMNS = {"round", "student", "val_loss", "lambda_norm", "hypergradient_norm",
      "replaced_by", "best"};

  /** Runs the students' local steps and makes untrained ones. */
  public interface Trainer<S> {
    /** Each student after its local steps of {@code round}: λ, last hypergradient, validation loss, state. */
    List<Student<S>> train(int round, List<Student<S>> students);

    /** An untrained student at λ (its loss NaN until trained). */
    Student<S> fresh(double[] lambda);
  }

  /** A mutation waiting for its outcome: the child, its parent's loss at the copy, the score gradient. */
  public record Pending(int child, double parentLoss, double[] scoreGradient) {}

  private final String kind;
  private final double truncation;
  private final Mutator mutator;
  private final long seed;
  private final double[] lambdaInit;
  private final double initSpread;
  private List<Student<S>> students;
  private List<Pending> pending = new ArrayList<>();
  private final List<double[]> log = new ArrayList<>();

  /**
   * @param mutator the explore step (null for random search)
   * @param initSpread students start at λ_init + U(−spread, spread) per hyperparameter
   */
  public HypergradientPopulation(String kind, int size, double truncation, Mutator mutator, long seed,
      double[] lambdaInit, double initSpread, Trainer<S> trainer) {
    if (!List.of(HPM, PBT, RANDOM_SEARCH).contains(kind)) {
      throw new IllegalArgumentException("unknown population method '" + kind + "'");
    }
    if (size < 1) {
      throw new IllegalArgumentException("a population needs at least one student, got " + size);
    }
    this.kind = kind;
    this.truncation = truncation;
    this.mutator = mutator;
    this.seed = seed;
    this.lambdaInit = lambdaInit.clone();
    this.initSpread = initSpread;
    students = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      students.add(trainer.fresh(draw(i)));
    }
  }

  /** Student i's starting λ. */
  private double[] draw(int i) {
    SplittableRandom rng = new SplittableRandom(CounterSampler.streamKey(seed, 6, i));
    double[] l = lambdaInit.clone();
    for (int d = 0; d < l.length; d++) {
      l[d] += initSpread * (2 * rng.nextDouble() - 1);
    }
    return l;
  }

  /** Round {@code round} (1, 2, …): local steps, then exploit and explore. Returns the round's best student after its local steps. */
  public Student<S> round(int round, Trainer<S> trainer) {
    List<Student<S>> trained = new ArrayList<>(trainer.train(round, students));
    int n = trained.size();
    double[] losses = new double[n];
    double[][] lambdas = new double[n][];
    double[][] grads = new double[n][];
    for (int i = 0; i < n; i++) {
      losses[i] = trained.get(i).loss();
      lambdas[i] = trained.get(i).lambda();
      grads[i] = trained.get(i).hypergradient();
    }
    if (!pending.isEmpty()) {
      double[][] scores = new double[pending.size()][];
      double[] rewards = new double[pending.size()];
      for (int c = 0; c < rewards.length; c++) {
        Pending p = pending.get(c);
        scores[c] = p.scoreGradient();
        rewards[c] = p.parentLoss() - losses[p.child()];
      }
      mutator.learn(scores, rewards);
    }
    int[] order = TruncationSelection.ranking(losses);
    int[] parentOf = new int[n];
    java.util.Arrays.fill(parentOf, -1);
    pending = new ArrayList<>();
    List<Student<S>> next = new ArrayList<>(trained);
    if (!kind.equals(RANDOM_SEARCH)) {
      SplittableRandom rng = new SplittableRandom(CounterSampler.streamKey(seed, 7, round));
      TruncationSelection.Selection sel = TruncationSelection.select(losses, truncation, rng);
      for (int c = 0; c < sel.children().length; c++) {
        int child = sel.children()[c];
        int parent = sel.parents()[c];
        Mutator.Mutation m = mutator.mutate(parent, sel.top(), lambdas, grads, rng);
        next.set(child, trained.get(parent).withLambda(m.lambda()));
        parentOf[child] = parent;
        pending.add(new Pending(child, losses[parent], m.scoreGradient()));
      }
    }
    for (int i = 0; i < n; i++) {
      log.add(new double[] {round, i, losses[i], Blas.norm(lambdas[i]), Blas.norm(grads[i]), parentOf[i],
          i == order[0] ? 1 : 0});
    }
    students = next;
    return trained.get(order[0]);
  }

  /** The students as the next round starts. */
  public List<Student<S>> students() {
    return students;
  }

  /** One row per student per round ({@link #LOG_COLUMNS}). */
  public List<double[]> log() {
    return log;
  }

  public Mutator mutator() {
    return mutator;
  }

  /** The mutations the next round's losses will judge. */
  public List<Pending> pending() {
    return pending;
  }

  /** Puts back a checkpointed population: its students, pending mutations, log and the mutator's state. */
  public void restore(List<Student<S>> savedStudents, List<Pending> savedPending, List<double[]> savedLog,
      double[] mutatorState) {
    if (savedStudents.size() != students.size()) {
      throw new IllegalArgumentException("a population of " + savedStudents.size() + ", not " + students.size());
    }
    students = new ArrayList<>(savedStudents);
    pending = new ArrayList<>(savedPending);
    log.clear();
    log.addAll(savedLog);
    if (mutator != null) {
      mutator.restore(mutatorState);
    }
  }
}
