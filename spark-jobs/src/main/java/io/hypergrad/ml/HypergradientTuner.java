package io.hypergrad.ml;

import com.typesafe.config.ConfigFactory;
import io.hypergrad.config.InvalidConfigException;
import io.hypergrad.config.JobConfig;
import io.hypergrad.hpo.Hpo;
import io.hypergrad.hpo.HpoSettings;
import io.hypergrad.output.OutputDirectory;
import io.hypergrad.plan.ExecutionPlan;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Gradient-based hyperparameter tuning of a GLM as an MLlib Estimator: {@code fit} reads the
 * DataFrame's rows on the executors (the rows whose {@code validationIndicatorCol} is true are the
 * validation set the hyperparameters are tuned on) and runs the {@code hpo} job's loop (its
 * settings, problem, hypergradient methods and outer loop, {@link Hpo#tune}), checkpointed to
 * {@code checkpointDir} after every outer step so that a fit run again after a failure resumes.
 */
public final class HypergradientTuner extends Estimator<TunedGlmModel> implements MLWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Param<String> featuresCol;
  private final Param<String> labelCol;
  private final Param<String> weightCol;
  private final Param<String> validationIndicatorCol;
  private final Param<String> family;
  private final DoubleParam regParam;
  private final Param<String> hyperModel;
  private final DoubleParam lambdaInit;
  private final BooleanParam fitIntercept;
  private final Param<String> method;
  private final Param<String> methodParams;
  private final Param<String> populationParams;
  private final IntParam depth;
  private final IntParam outerSteps;
  private final Param<String> outerOptimizer;
  private final DoubleParam outerLr;
  private final Param<String> innerSolver;
  private final IntParam innerSteps;
  private final DoubleParam innerLr;
  private final DoubleParam tol;
  private final LongParam seed;
  private final Param<String> checkpointDir;

  public HypergradientTuner() {
    this(Identifiable.randomUID("hypergradientTuner"));
  }

  public HypergradientTuner(String uid) {
    this.uid = uid;
    featuresCol = new Param<>(this, "featuresCol", "features column name (an ml.linalg vector)");
    labelCol = new Param<>(this, "labelCol", "label column name (numeric)");
    weightCol = new Param<>(this, "weightCol", "instance weight column name; unset or empty: every row weighs 1");
    validationIndicatorCol = new Param<>(this, "validationIndicatorCol", "boolean column: true marks the validation "
        + "rows the hyperparameters are tuned on; the other rows train the model");
    family = new Param<>(this, "family", "binomial, multinomial or gaussian");
    regParam = new DoubleParam(this, "regParam", "ρ, the regulariser's scale (the hyper-model's rho)");
    hyperModel = new Param<>(this, "hyperModel", "what λ is: l2, l2-per-feature, l2-exp-per-feature, biased-reg or "
        + "instance-weights");
    lambdaInit = new DoubleParam(this, "lambdaInit", "λ's starting value (every entry)");
    fitIntercept = new BooleanParam(this, "fitIntercept", "whether to fit an unregularised intercept");
    method = new Param<>(this, "method", "the hypergradient's estimator (mixed-fp-km, sid, neumann, cg, …) or a joint "
        + "method");
    methodParams = new Param<>(this, "methodParams", "the method's parameters as HOCON; empty: the defaults");
    populationParams = new Param<>(this, "populationParams", "method hpm, pbt or random-search: the population's "
        + "keys without their population. prefix, as HOCON (size = 8, ready_steps = 5, member_method = cg, …); empty: "
        + "the defaults");
    depth = new IntParam(this, "depth", "an iterative estimator's chain length per outer step (≥ 1)");
    outerSteps = new IntParam(this, "outerSteps", "outer steps (≥ 1)");
    outerOptimizer = new Param<>(this, "outerOptimizer", "sgd or adam");
    outerLr = new DoubleParam(this, "outerLr", "the outer step size (> 0)");
    innerSolver = new Param<>(this, "innerSolver", "adam, sgd or newton-cg");
    innerSteps = new IntParam(this, "innerSteps", "inner steps per outer step (≥ 1)");
    innerLr = new DoubleParam(this, "innerLr", "the inner step size (> 0)");
    tol = new DoubleParam(this, "tol", "newton-cg's inner tolerance: ‖∇g‖ relative to its start");
    seed = new LongParam(this, "seed", "the samplers' seed");
    checkpointDir = new Param<>(this, "checkpointDir", "where to checkpoint after every outer step (any Hadoop "
        + "FileSystem URI); a fit run again with the same settings resumes from there; unset: a temporary directory");
    setDefault(featuresCol, "features");
    setDefault(labelCol, "label");
    setDefault(family, "binomial");
    setDefault(regParam, 0.1);
    setDefault(hyperModel, "l2");
    setDefault(lambdaInit, 1.0);
    setDefault(fitIntercept, true);
    setDefault(method, "mixed-fp-km");
    setDefault(methodParams, "");
    setDefault(populationParams, "");
    setDefault(depth, 100);
    setDefault(outerSteps, 100);
    setDefault(outerOptimizer, "sgd");
    setDefault(outerLr, 1.0);
    setDefault(innerSolver, "adam");
    setDefault(innerSteps, 100);
    setDefault(innerLr, 0.01);
    setDefault(tol, 1e-9);
    setDefault(seed, 0L);
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> featuresCol() {
    return featuresCol;
  }

  public Param<String> labelCol() {
    return labelCol;
  }

  public Param<String> weightCol() {
    return weightCol;
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

  public DoubleParam lambdaInit() {
    return lambdaInit;
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

  public Param<String> populationParams() {
    return populationParams;
  }

  public IntParam depth() {
    return depth;
  }

  public IntParam outerSteps() {
    return outerSteps;
  }

  public Param<String> outerOptimizer() {
    return outerOptimizer;
  }

  public DoubleParam outerLr() {
    return outerLr;
  }

  public Param<String> innerSolver() {
    return innerSolver;
  }

  public IntParam innerSteps() {
    return innerSteps;
  }

  public DoubleParam innerLr() {
    return innerLr;
  }

  public DoubleParam tol() {
    return tol;
  }

  public LongParam seed() {
    return seed;
  }

  public Param<String> checkpointDir() {
    return checkpointDir;
  }

  /** Sets any of this stage's Params by name, MLlib-style ({@code set(tuner.outerLr(), 20.0)} works too). */
  public HypergradientTuner setParam(String name, Object value) {
    set(name, value);
    return this;
  }

  public HypergradientTuner setFeaturesCol(String v) {
    return setParam("featuresCol", v);
  }

  public HypergradientTuner setLabelCol(String v) {
    return setParam("labelCol", v);
  }

  public HypergradientTuner setWeightCol(String v) {
    return setParam("weightCol", v);
  }

  public HypergradientTuner setValidationIndicatorCol(String v) {
    return setParam("validationIndicatorCol", v);
  }

  public HypergradientTuner setFamily(String v) {
    return setParam("family", v);
  }

  public HypergradientTuner setRegParam(double v) {
    return setParam("regParam", v);
  }

  public HypergradientTuner setHyperModel(String v) {
    return setParam("hyperModel", v);
  }

  public HypergradientTuner setLambdaInit(double v) {
    return setParam("lambdaInit", v);
  }

  public HypergradientTuner setFitIntercept(boolean v) {
    return setParam("fitIntercept", v);
  }

  public HypergradientTuner setMethod(String v) {
    return setParam("method", v);
  }

  public HypergradientTuner setMethodParams(String v) {
    return setParam("methodParams", v);
  }

  public HypergradientTuner setPopulationParams(String v) {
    return setParam("populationParams", v);
  }

  public HypergradientTuner setDepth(int v) {
    return setParam("depth", v);
  }

  public HypergradientTuner setOuterSteps(int v) {
    return setParam("outerSteps", v);
  }

  public HypergradientTuner setOuterOptimizer(String v) {
    return setParam("outerOptimizer", v);
  }

  public HypergradientTuner setOuterLr(double v) {
    return setParam("outerLr", v);
  }

  public HypergradientTuner setInnerSolver(String v) {
    return setParam("innerSolver", v);
  }

  public HypergradientTuner setInnerSteps(int v) {
    return setParam("innerSteps", v);
  }

  public HypergradientTuner setInnerLr(double v) {
    return setParam("innerLr", v);
  }

  public HypergradientTuner setTol(double v) {
    return setParam("tol", v);
  }

  public HypergradientTuner setSeed(long v) {
    return setParam("seed", v);
  }

  public HypergradientTuner setCheckpointDir(String v) {
    return setParam("checkpointDir", v);
  }

  private boolean hasWeightCol() {
    return isDefined(weightCol) && !getOrDefault(weightCol).isEmpty();
  }

  /** The stage's Params as the {@code hpo} job's keys: one code path validates and runs them. */
  JobConfig config() {
    String model = StageConfig.model("HypergradientTuner", getOrDefault(family));
    Map<String, Object> keys = StageConfig.methodKeys("HypergradientTuner", getOrDefault(methodParams));
    keys.put("task", "glm");
    keys.put("method", getOrDefault(method));
    keys.put("population", StageConfig.populationKeys("HypergradientTuner", getOrDefault(populationParams)));
    keys.put("seed", getOrDefault(seed));
    keys.put("depth", getOrDefault(depth));
    keys.put("outer", Map.of("steps", getOrDefault(outerSteps), "optimizer", getOrDefault(outerOptimizer), "lr",
        getOrDefault(outerLr)));
    keys.put("inner", Map.of("solver", getOrDefault(innerSolver), "steps", getOrDefault(innerSteps), "lr",
        getOrDefault(innerLr), "tol", getOrDefault(tol)));
    keys.put("problem", Map.of("model", model, "hyper_model", getOrDefault(hyperModel), "rho", getOrDefault(regParam),
        "lambda_init", getOrDefault(lambdaInit), "intercept", getOrDefault(fitIntercept)));
    JobConfig cfg = JobConfig.of(ConfigFactory.parseMap(keys, "HypergradientTuner " + uid), "HypergradientTuner " + uid);
    try {
      HpoSettings.of(cfg);
    } catch (InvalidConfigException e) {
      throw new IllegalArgumentException("HypergradientTuner: " + e.getMessage(), e);
    }
    return cfg;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    InfluenceColumns.require(schema, getOrDefault(featuresCol), "features", t -> t.equals(SQLDataTypes.VectorType()),
        "an ml.linalg vector");
    InfluenceColumns.require(schema, getOrDefault(labelCol), "label", InfluenceColumns::numeric, "numeric");
    if (hasWeightCol()) {
      InfluenceColumns.require(schema, getOrDefault(weightCol), "weight", InfluenceColumns::numeric, "numeric");
    }
    if (!isDefined(validationIndicatorCol)) {
      throw new IllegalArgumentException("HypergradientTuner needs validationIndicatorCol: a boolean column whose true "
          + "rows form the validation set");
    }
    InfluenceColumns.require(schema, getOrDefault(validationIndicatorCol), "validationIndicator",
        t -> t.equals(DataTypes.BooleanType), "boolean");
    config();
    StructType out = schema;
    if (!getOrDefault(family).equals("gaussian")) {
      out = out.add("rawPrediction", SQLDataTypes.VectorType()).add("probability", SQLDataTypes.VectorType());
    }
    return out.add("prediction", DataTypes.DoubleType);
  }

  @Override
  public TunedGlmModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    JobConfig cfg = config();
    boolean intercept = (Boolean) getOrDefault(fitIntercept);
    // the plan as the hpo job picks it: small data is tuned on the driver, large data on the executors
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    List<String> offered = List.of(ExecutionPlan.DRIVER, ExecutionPlan.DISTRIBUTED);
    StageData.Ingested ingested = StageData.ingest("HypergradientTuner", dataset, getOrDefault(labelCol),
        getOrDefault(featuresCol), hasWeightCol() ? getOrDefault(weightCol) : null, getOrDefault(validationIndicatorCol),
        intercept, (n, f) -> ExecutionPlan.resolve(ExecutionPlan.configured(cfg, offered), n, f, 1, offered, quiet));
    java.nio.file.Path temporary = null;
    try {
      String dir;
      if (isDefined(checkpointDir)) {
        dir = getOrDefault(checkpointDir);
      } else {
        temporary = Files.createTempDirectory("hypergradient-tuner");
        dir = temporary.toUri().toString();
      }
      Hpo.Tuned tuned = Hpo.tune(cfg, ingested.data(), dir, dataset.sparkSession().sparkContext().hadoopConfiguration(),
          quiet);
      int features = ingested.data().featureCount() - (intercept ? 1 : 0);
      TunedGlmModel model = new TunedGlmModel(uid, StageConfig.MODELS.get(getOrDefault(family)), ingested.data().classes(), intercept,
          features, tuned.lambda(), tuned.x(), tuned.history(), tuned.label());
      return copyValues(model, ParamMap.empty()).setParent(this);
    } catch (IOException e) {
      throw new UncheckedIOException("HypergradientTuner: " + e.getMessage(), e);
    } catch (InvalidConfigException e) {
      throw new IllegalArgumentException("HypergradientTuner: " + e.getMessage(), e);
    } finally {
      ingested.table().release();
      if (temporary != null) {
        try {
          OutputDirectory.deleteTree(temporary);
        } catch (UncheckedIOException e) {
          // a temporary directory left behind is not worth failing a fit for
        }
      }
    }
  }

  @Override
  public HypergradientTuner copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  @Override
  public MLWriter write() {
    return new DefaultParamsWriter(this);
  }

  public static MLReader<HypergradientTuner> read() {
    return new DefaultParamsReader<>();
  }

  public static HypergradientTuner load(String path) {
    return read().load(path);
  }
}
