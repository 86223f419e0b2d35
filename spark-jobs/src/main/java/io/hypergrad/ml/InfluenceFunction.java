package io.hypergrad.ml;

import com.typesafe.config.ConfigFactory;
import io.hypergrad.config.EstimatorGrid;
import io.hypergrad.config.InvalidConfigException;
import io.hypergrad.config.JobConfig;
import io.hypergrad.estimator.EstimatorSpec;
import io.hypergrad.influence.InfluenceSolve;
import io.hypergrad.linalg.InverseQuadratic;
import io.hypergrad.model.GlmBilevelProblem;
import io.hypergrad.task.GlmData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The influence of every training row on a validation loss, as an MLlib Estimator: {@code fit} reads
 * the DataFrame's rows on the executors (the same ingest as the {@code influence} job: split by the
 * {@code validationIndicatorCol}, rows with true forming the validation set, as MLlib's GBTs use it),
 * trains the GLM on the other rows by Newton-CG and solves s = A⁻¹∇f once with the chosen estimator
 * (the job's engine, {@link InfluenceSolve}); the {@link InfluenceFunctionModel} scores any rows.
 */
public final class InfluenceFunction extends Estimator<InfluenceFunctionModel> implements InfluenceColumns, MLWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Holder columns;
  private final Param<String> validationIndicatorCol;
  private final Param<String> family;
  private final DoubleParam regParam;
  private final Param<String> hyperModel;
  private final BooleanParam fitIntercept;
  private final Param<String> method;
  private final Param<String> methodParams;
  private final IntParam iterations;
  private final IntParam maxIter;
  private final DoubleParam tol;
  private final LongParam seed;
  private final IntParam exactMaxP;
  private final IntParam selfInfluenceRank;
  private final Param<String> idCol;
  private final Param<String> groupCol;
  private final Param<String> queryIndicatorCol;
  private final IntParam topK;
  private InitialModel initial;

  public InfluenceFunction() {
    this(Identifiable.randomUID("influenceFunction"));
  }

  public InfluenceFunction(String uid) {
    this.uid = uid;
    columns = new Holder(this);
    validationIndicatorCol = new Param<>(this, "validationIndicatorCol", "boolean column: true marks the validation "
        + "rows whose mean loss the influence is measured on; the other rows train the model");
    family = new Param<>(this, "family", "binomial (logistic, labels 0/1), multinomial (softmax, labels 0…K−1) or "
        + "gaussian (least squares)");
    regParam = new DoubleParam(this, "regParam", "ridge strength ρ: the model minimises (1/n)Σcᵢℓᵢ + (ρ/2)‖w‖², "
        + "MLlib's regParam with elasticNetParam 0 and standardization off (≥ 0)");
    hyperModel = new Param<>(this, "hyperModel", "the fixed regulariser at λ = 1: l2, l2-per-feature, l2-exp-per-feature "
        + "or biased-reg");
    fitIntercept = new BooleanParam(this, "fitIntercept", "whether to fit an unregularised intercept");
    method = new Param<>(this, "method", "the estimator of s = A⁻¹∇f: mixed-fp-km, sid, neumann, unroll, cg, exact, …");
    methodParams = new Param<>(this, "methodParams", "the method's parameters as HOCON, e.g. \"alpha = 0.99, "
        + "scale = 0.01, schedule = linear, eta0 = 1000, t0 = 1000\"; empty: the documented defaults");
    iterations = new IntParam(this, "iterations", "an iterative method's chain length (≥ 1)");
    maxIter = new IntParam(this, "maxIter", "Newton-CG steps at most for the inner model (≥ 1)");
    tol = new DoubleParam(this, "tol", "Newton-CG's tolerance: ‖∇g‖ relative to its start (> 0)");
    seed = new LongParam(this, "seed", "the sampler's seed");
    exactMaxP = new IntParam(this, "exactMaxP", "the largest p for a dense Hessian (exact, and selfInfluenceCol's "
        + "Cholesky factor): 8p² bytes on the driver and each executor (≥ 1)");
    selfInfluenceRank = new IntParam(this, "selfInfluenceRank", "selfInfluenceCol beyond exactMaxP: the rank of A⁻¹'s "
        + "approximation (≥ 1; the influence job's influence.rank)");
    idCol = new Param<>(this, "idCol", "integer column naming each row in queryInfluence (train_id, query_id); "
        + "empty: the row's position in the DataFrame");
    groupCol = new Param<>(this, "groupCol", "column of each training row's group: the fitted model's groupInfluence "
        + "predicts what removing each group would do to the validation loss; empty: not computed");
    queryIndicatorCol = new Param<>(this, "queryIndicatorCol", "boolean column: true marks query rows (left out of "
        + "training and validation) whose losses the fitted model's queryInfluence explains; empty: none");
    topK = new IntParam(this, "topK", "training rows kept per query each way, most harmful and most helpful (≥ 1)");
    columns.setDefaults(this);
    setDefault(idCol, "");
    setDefault(groupCol, "");
    setDefault(queryIndicatorCol, "");
    setDefault(topK, 20);
    setDefault(family, "binomial");
    setDefault(regParam, 0.0);
    setDefault(hyperModel, "l2");
    setDefault(fitIntercept, true);
    setDefault(method, "mixed-fp-km");
    setDefault(methodParams, "");
    setDefault(iterations, 10000);
    setDefault(maxIter, 100);
    setDefault(tol, 1e-9);
    setDefault(seed, 0L);
    setDefault(exactMaxP, 4000);
    setDefault(selfInfluenceRank, 100);
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public Holder columns() {
    return columns;
  }

  public Param<String> validationIndicatorCol() {
    return validationIndicatorCol;
  }

  public Param<String> family() {
    return family;
  }

  public DoubleParam regParam() {
    return regParam;
  }

  public Param<String> hyperModel() {
    return hyperModel;
  }

  public BooleanParam fitIntercept() {
    return fitIntercept;
  }

  public Param<String> method() {
    return method;
  }

  public Param<String> methodParams() {
    return methodParams;
  }

  public IntParam iterations() {
    return iterations;
  }

  public IntParam exactMaxP() {
    return exactMaxP;
  }

  public Param<String> idCol() {
    return idCol;
  }

  public Param<String> groupCol() {
    return groupCol;
  }

  public Param<String> queryIndicatorCol() {
    return queryIndicatorCol;
  }

  public IntParam topK() {
    return topK;
  }

  public InfluenceFunction setIdCol(String v) {
    set(idCol, v);
    return this;
  }

  public InfluenceFunction setGroupCol(String v) {
    set(groupCol, v);
    return this;
  }

  public InfluenceFunction setQueryIndicatorCol(String v) {
    set(queryIndicatorCol, v);
    return this;
  }

  public InfluenceFunction setTopK(int v) {
    set(topK, v);
    return this;
  }

  private static String orNull(String column) {
    return column.isEmpty() ? null : column;
  }

  public IntParam selfInfluenceRank() {
    return selfInfluenceRank;
  }

  public InfluenceFunction setExactMaxP(int v) {
    set(exactMaxP, v);
    return this;
  }

  public InfluenceFunction setSelfInfluenceRank(int v) {
    set(selfInfluenceRank, v);
    return this;
  }

  public IntParam maxIter() {
    return maxIter;
  }

  public DoubleParam tol() {
    return tol;
  }

  public LongParam seed() {
    return seed;
  }

  public InfluenceFunction setFeaturesCol(String v) {
    set(featuresCol(), v);
    return this;
  }

  public InfluenceFunction setLabelCol(String v) {
    set(labelCol(), v);
    return this;
  }

  public InfluenceFunction setWeightCol(String v) {
    set(weightCol(), v);
    return this;
  }

  public InfluenceFunction setInfluenceCol(String v) {
    set(influenceCol(), v);
    return this;
  }

  public InfluenceFunction setLossCol(String v) {
    set(lossCol(), v);
    return this;
  }

  public InfluenceFunction setValidationIndicatorCol(String v) {
    set(validationIndicatorCol, v);
    return this;
  }

  public InfluenceFunction setFamily(String v) {
    set(family, v);
    return this;
  }

  public InfluenceFunction setRegParam(double v) {
    set(regParam, v);
    return this;
  }

  public InfluenceFunction setHyperModel(String v) {
    set(hyperModel, v);
    return this;
  }

  public InfluenceFunction setFitIntercept(boolean v) {
    set(fitIntercept, v);
    return this;
  }

  public InfluenceFunction setMethod(String v) {
    set(method, v);
    return this;
  }

  public InfluenceFunction setMethodParams(String v) {
    set(methodParams, v);
    return this;
  }

  public InfluenceFunction setIterations(int v) {
    set(iterations, v);
    return this;
  }

  public InfluenceFunction setMaxIter(int v) {
    set(maxIter, v);
    return this;
  }

  public InfluenceFunction setTol(double v) {
    set(tol, v);
    return this;
  }

  public InfluenceFunction setSeed(long v) {
    set(seed, v);
    return this;
  }

  /**
   * Explain this fitted MLlib model instead of training one: its coefficients and intercept start the
   * inner solve, its regParam, fitIntercept and family become ours (refused if set otherwise), and
   * Newton-CG polishes them to a stationary point of the stated objective; the model's {@link
   * InfluenceFunctionModel#initialModelSummary} says how far they were from one.
   */
  public InfluenceFunction setInitialModel(LogisticRegressionModel model) {
    initial = InitialModel.of(model);
    return this;
  }

  /** As {@link #setInitialModel(LogisticRegressionModel)} for a least-squares LinearRegressionModel. */
  public InfluenceFunction setInitialModel(LinearRegressionModel model) {
    initial = InitialModel.of(model);
    return this;
  }

  private String familyName() {
    return initial != null ? initial.family() : getOrDefault(family);
  }

  private boolean intercept() {
    return initial != null ? initial.fitIntercept() : (Boolean) getOrDefault(fitIntercept);
  }

  /** An initial model's settings against the ones set here: a conflict is refused. */
  private void checkInitialModel() {
    if (initial == null) {
      return;
    }
    if (isSet(family) && !getOrDefault(family).equals(initial.family())) {
      throw new IllegalArgumentException("setInitialModel: the model is " + initial.family() + ", family is set to "
          + getOrDefault(family));
    }
    if (isSet(fitIntercept) && (Boolean) getOrDefault(fitIntercept) != initial.fitIntercept()) {
      throw new IllegalArgumentException("setInitialModel: the model was fitted with fitIntercept = "
          + initial.fitIntercept() + ", fitIntercept is set to " + getOrDefault(fitIntercept));
    }
    if (isSet(regParam)) {
      throw new IllegalArgumentException("setInitialModel: regParam comes from the model (its regParam, mapped to ours); "
          + "leave it unset");
    }
    if (isSet(hyperModel) && !getOrDefault(hyperModel).equals("l2")) {
      throw new IllegalArgumentException("setInitialModel: an MLlib model's penalty is l2; hyperModel "
          + getOrDefault(hyperModel) + " does not describe it");
    }
  }

  /**
   * The engine's settings as the {@code influence} job's keys (so one code path validates and runs
   * them), checked before any Spark job runs.
   */
  JobConfig config(double rho) {
    String model = StageConfig.model("InfluenceFunction", familyName());
    Map<String, Object> keys = StageConfig.methodKeys("InfluenceFunction", getOrDefault(methodParams));
    keys.put("method", getOrDefault(method));
    keys.put("iterations", ((Integer) getOrDefault(iterations)));
    keys.put("seed", ((Long) getOrDefault(seed)));
    keys.put("exact_max_p", ((Integer) getOrDefault(exactMaxP)));
    keys.put("influence", Map.of("rank", ((Integer) getOrDefault(selfInfluenceRank))));
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("model", model);
    problem.put("hyper_model", getOrDefault(hyperModel));
    problem.put("rho", rho);
    problem.put("lambda_init", 1.0);
    problem.put("intercept", intercept());
    problem.put("inner_tol", ((Double) getOrDefault(tol)));
    problem.put("inner_max_iter", ((Integer) getOrDefault(maxIter)));
    keys.put("problem", problem);
    return JobConfig.of(ConfigFactory.parseMap(keys, "InfluenceFunction " + uid), "InfluenceFunction " + uid);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    checkInputs(schema);
    if (!isDefined(validationIndicatorCol)) {
      throw new IllegalArgumentException("InfluenceFunction needs validationIndicatorCol: a boolean column whose true "
          + "rows form the validation set");
    }
    InfluenceColumns.require(schema, getOrDefault(validationIndicatorCol), "validationIndicator",
        t -> t.equals(DataTypes.BooleanType), "boolean");
    if (!(((Double) getOrDefault(regParam)) >= 0)) {
      throw new IllegalArgumentException("InfluenceFunction regParam must be ≥ 0, got " + ((Double) getOrDefault(regParam)));
    }
    for (Param<String> c : java.util.List.of(idCol, groupCol)) {
      if (!getOrDefault(c).isEmpty() && !java.util.Arrays.asList(schema.fieldNames()).contains(getOrDefault(c))) {
        throw new IllegalArgumentException("InfluenceFunction " + c.name() + ": column '" + getOrDefault(c)
            + "' does not exist");
      }
    }
    if (!getOrDefault(queryIndicatorCol).isEmpty()) {
      InfluenceColumns.require(schema, getOrDefault(queryIndicatorCol), "queryIndicator",
          t -> t.equals(DataTypes.BooleanType), "boolean");
    }
    if ((Integer) getOrDefault(topK) < 1) {
      throw new IllegalArgumentException("InfluenceFunction topK must be ≥ 1, got " + getOrDefault(topK));
    }
    checkInitialModel();
    spec(config((Double) getOrDefault(regParam)));
    return withOutputs(schema);
  }

  private static EstimatorSpec spec(JobConfig cfg) {
    try {
      return EstimatorGrid.single(cfg, cfg.getPositiveInt("iterations"));
    } catch (InvalidConfigException e) {
      throw new IllegalArgumentException("InfluenceFunction: " + e.getMessage(), e);
    }
  }

  @Override
  public InfluenceFunctionModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    String validation = getOrDefault(validationIndicatorCol);
    boolean withIntercept = intercept();
    String queryCol = getOrDefault(queryIndicatorCol);
    StageExplanations.Queries queries = null;
    Dataset<?> fitted = dataset;
    if (!queryCol.isEmpty()) {
      queries = StageExplanations.collect(dataset.filter(functions.col(queryCol)), getFeaturesCol(), getLabelCol(),
          orNull(getOrDefault(idCol)), withIntercept);
      fitted = dataset.filter(functions.not(functions.col(queryCol)));
    }
    double rho = initial == null ? (Double) getOrDefault(regParam)
        : initial.rho(fitted.filter(functions.not(functions.col(validation))), getLabelCol());
    JobConfig cfg = config(rho);
    EstimatorSpec spec = spec(cfg);
    StageData.Ingested ingested = StageData.ingest("InfluenceFunction", fitted, getLabelCol(), getFeaturesCol(),
        hasWeightCol() ? getWeightCol() : null, orNull(getOrDefault(idCol)), orNull(getOrDefault(groupCol)), validation,
        withIntercept, (n, f) -> io.hypergrad.plan.ExecutionPlan.DISTRIBUTED);
    GlmData data = ingested.data();
    int features = data.featureCount() - (withIntercept ? 1 : 0);
    GlmBilevelProblem problem;
    try {
      problem = InfluenceSolve.problem(cfg, data);
    } catch (InvalidConfigException e) {
      throw new IllegalArgumentException("InfluenceFunction: " + e.getMessage(), e);
    }
    double[] x0 = initial == null ? null : initial.x0(features, withIntercept);
    double zeroNorm = Double.NaN;
    if (x0 != null) {
      double[] g = new double[problem.p()];
      problem.gradient(new double[problem.p()], g);
      zeroNorm = io.hypergrad.linalg.Blas.norm(g);
    }
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    InfluenceSolve.Result solved = InfluenceSolve.run(problem, x0, InfluenceSolve.settings(cfg, spec), quiet);
    int n = problem.train().size();
    InfluenceFunctionModel model = new InfluenceFunctionModel(uid, StageConfig.MODELS.get(familyName()), data.classes(),
        withIntercept, features, n, ingested.weightFactor(), solved.x(), solved.s(),
        problem.outerLoss(solved.x()), solved.residual(), solved.inner().iterations(), solved.inner().gradNorm(),
        x0 == null ? Double.NaN : solved.inner().startNorm(), zeroNorm, selfInverse(problem, solved, cfg, spec, quiet));
    int maxP = (Integer) getOrDefault(exactMaxP);
    model.explained(queries == null ? null : StageExplanations.queries(dataset.sparkSession(), problem, solved.x(), queries,
        InfluenceSolve.settings(cfg, spec), (Integer) getOrDefault(topK), data).persist(), getOrDefault(groupCol).isEmpty() ? null
        : StageExplanations.groups(dataset.sparkSession(), problem, solved, data, ingested.metadata(), maxP).persist());
    problem.release();
    ingested.table().release();
    copyValues(model, ParamMap.empty());
    return model.setParent(this);
  }

  /**
   * A⁻¹ at x* when self-influence is asked for, as the job's self target has it: the Cholesky factor
   * for p within exact_max_p, beyond it the rank-{@code influence.rank} approximation; else null.
   */
  private InverseQuadratic selfInverse(GlmBilevelProblem problem, InfluenceSolve.Result solved, JobConfig cfg,
      EstimatorSpec spec, PrintStream log) {
    if (!wantsSelfInfluence()) {
      return null;
    }
    InfluenceSolve.Settings settings = InfluenceSolve.settings(cfg, spec);
    if (problem.p() <= settings.exactMaxP()) {
      return InfluenceSolve.factor(solved.system());
    }
    try {
      return InfluenceSolve.lowRank(problem, solved.x(), settings, log);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("InfluenceFunction: selfInfluenceCol: " + e.getMessage(), e);
    }
  }

  public InfluenceFunction setSelfInfluenceCol(String v) {
    set(selfInfluenceCol(), v);
    return this;
  }

  @Override
  public InfluenceFunction copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  @Override
  public MLWriter write() {
    return new DefaultParamsWriter(this);
  }

  public static MLReader<InfluenceFunction> read() {
    return new org.apache.spark.ml.util.DefaultParamsReader<>();
  }

  public static InfluenceFunction load(String path) {
    return read().load(path);
  }
}
