package io.hypergrad.hpo;

import io.hypergrad.bilevel.JointMethod;
import io.hypergrad.config.EstimatorGrid;
import io.hypergrad.config.InvalidConfigException;
import io.hypergrad.config.JobConfig;
import io.hypergrad.estimator.EstimatorSpec;
import java.util.Set;

/**
 * The {@code hpo} loop's settings, read and checked before anything runs.
 *
 * @param spec the hypergradient's estimator, or null for a joint single-loop method
 * @param method the method's name as configured
 */
public record HpoSettings(EstimatorSpec spec, String method, int depth, int batch, long seed, int outerSteps,
    String outerOptimizer, double outerLr, String innerSolver, int innerSteps, double innerLr, double innerTol,
    double timeBudget, double divergenceFactor, int exactMaxP) implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  public static HpoSettings of(JobConfig cfg) {
    int depth = cfg.getPositiveInt("depth");
    String outerOpt = cfg.getString("outer.optimizer");
    String innerSolver = cfg.getString("inner.solver");
    if (!outerOpt.equals("sgd") && !outerOpt.equals("adam")) {
      throw new InvalidConfigException(cfg.where("outer.optimizer") + ": unknown outer.optimizer '" + outerOpt
          + "'; expected sgd or adam");
    }
    if (!Set.of("adam", "sgd", "newton-cg").contains(innerSolver)) {
      throw new InvalidConfigException(cfg.where("inner.solver") + ": unknown inner.solver '" + innerSolver
          + "'; expected adam, sgd or newton-cg");
    }
    double outerLr = cfg.getDouble("outer.lr");
    double innerLr = cfg.getDouble("inner.lr");
    if (!(outerLr > 0)) {
      throw new InvalidConfigException(cfg.where("outer.lr") + ": outer.lr must be > 0, got " + outerLr);
    }
    if (!(innerLr > 0)) {
      throw new InvalidConfigException(cfg.where("inner.lr") + ": inner.lr must be > 0, got " + innerLr);
    }
    double budget = cfg.getDouble("time_budget");
    if (!(budget >= 0)) {
      throw new InvalidConfigException(cfg.where("time_budget") + ": time_budget must be ≥ 0 seconds, got " + budget);
    }
    String method = cfg.getString("method");
    // a population's students each run hypergradient descent by population.member_method
    EstimatorSpec spec = JointMethod.isJoint(method) || method.equals(FdsScheduleTuning.METHOD) ? null
        : PopulationTuning.isPopulation(method) ? EstimatorGrid.single(cfg, depth,
            cfg.getString("population.member_method"), "population.member_method")
        : EstimatorGrid.single(cfg, depth);
    return new HpoSettings(spec, method, depth, cfg.getPositiveInt("batch"), cfg.getLong("seed"),
        cfg.getPositiveInt("outer.steps"), outerOpt, outerLr, innerSolver, cfg.getPositiveInt("inner.steps"), innerLr,
        cfg.getDouble("inner.tol"), budget, cfg.getDouble("divergence_factor"), cfg.getPositiveInt("exact_max_p"));
  }

  /** The name in outputs: the estimator's label, the joint method's name, or the population's with its students' estimator. */
  public String label() {
    return population() ? method + " of " + spec.label() : spec != null ? spec.label() : method;
  }

  /** Whether this is a population method (hpm, pbt, random-search). */
  public boolean population() {
    return PopulationTuning.isPopulation(method);
  }

  /** These settings with another sampler seed (a population's student draws its own minibatches). */
  HpoSettings withSeed(long memberSeed) {
    return new HpoSettings(spec, method, depth, batch, memberSeed, outerSteps, outerOptimizer, outerLr, innerSolver,
        innerSteps, innerLr, innerTol, timeBudget, divergenceFactor, exactMaxP);
  }
}
