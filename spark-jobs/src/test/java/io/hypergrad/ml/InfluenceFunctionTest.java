package io.hypergrad.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.jobs.InfluenceJob;
import io.hypergrad.jobs.RunOptions;
import io.hypergrad.spark.SparkSessions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The InfluenceFunction stage in a Pipeline on Adult's raw columns against the {@code influence}
 * job on the same table: the same scores bit for bit; save → load → transform; bad Params refused
 * before any Spark job.
 */
class InfluenceFunctionTest {
  static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  static final List<String> CATEGORICAL = List.of("workclass", "education", "marital_status", "occupation",
      "relationship", "race", "sex", "native_country");
  static final List<String> COLUMNS = List.of("age", "workclass", "fnlwgt", "education", "education_num",
      "marital_status", "occupation", "relationship", "race", "sex", "capital_gain", "capital_loss", "hours_per_week",
      "native_country");

  @TempDir
  static Path dir;
  static Path table;
  static Dataset<Row> adult;

  /** 1500 complete Adult rows with an id and every third row marked for validation, as one Parquet file. */
  @BeforeAll
  static void adultTable() {
    SparkSession spark = SparkSessions.get();
    String schema = "age DOUBLE, workclass STRING, fnlwgt DOUBLE, education STRING, education_num DOUBLE, "
        + "marital_status STRING, occupation STRING, relationship STRING, race STRING, sex STRING, capital_gain DOUBLE, "
        + "capital_loss DOUBLE, hours_per_week DOUBLE, native_country STRING, income STRING";
    Dataset<Row> raw = spark.read().option("header", "false").option("ignoreLeadingWhiteSpace", "true")
        .option("nullValue", "?").schema(schema).csv(Path.of("../data/adult/adult.data.gz").toString()).na().drop()
        .limit(1500).coalesce(1);
    // the numeric columns brought near [0, 1] (fnlwgt is ~10⁵): a well-conditioned problem solves to 1e-12 in a few steps
    Map<String, Double> scale = Map.of("age", 100.0, "fnlwgt", 1e6, "education_num", 16.0, "capital_gain", 1e5,
        "capital_loss", 1e4, "hours_per_week", 100.0);
    for (Map.Entry<String, Double> e : scale.entrySet()) {
      raw = raw.withColumn(e.getKey(), functions.col(e.getKey()).divide(e.getValue()));
    }
    table = dir.resolve("adult");
    raw.withColumn("id", functions.monotonically_increasing_id())
        .withColumn("is_val", functions.col("id").mod(3).equalTo(0)).coalesce(1).write().parquet(table.toString());
    adult = spark.read().parquet(table.toString());
  }

  /** StringIndexer (sorted categories, as the job encodes them) and VectorAssembler in the job's column order. */
  static Pipeline pipeline(InfluenceFunction influence) {
    String[] in = CATEGORICAL.toArray(String[]::new);
    String[] out = CATEGORICAL.stream().map(c -> c + "_index").toArray(String[]::new);
    String[] assembled = COLUMNS.stream().map(c -> CATEGORICAL.contains(c) ? c + "_index" : c).toArray(String[]::new);
    return new Pipeline().setStages(new PipelineStage[] {
        new StringIndexer().setInputCols(in).setOutputCols(out).setStringOrderType("alphabetAsc").setHandleInvalid("keep"),
        new StringIndexer().setInputCol("income").setOutputCol("label").setStringOrderType("alphabetAsc"),
        new VectorAssembler().setInputCols(assembled).setOutputCol("features"),
        influence});
  }

  static InfluenceFunction stage() {
    return new InfluenceFunction().setValidationIndicatorCol("is_val").setRegParam(0.01).setMethod("cg")
        .setMethodParams("tol = 1e-12").setFitIntercept(true);
  }

  /** The influence job's config for the stage's problem: the same table, columns, split and model. */
  static Path jobConf() throws java.io.IOException {
    Path conf = dir.resolve("job.conf");
    Files.writeString(conf, """
        task = glm
        data {
          source { format = parquet, path = "%s", label = income, id = id, categorical = %s, encoding = index }
          split { method = column, column = is_val }
        }
        problem { model = logistic, hyper_model = l2, rho = 0.01, lambda_init = 1.0, intercept = true }
        method = cg
        tol = 1e-12
        compare_cg = false
        partitions = 1
        """.formatted(table.toString().replace("\\", "/"), CATEGORICAL));
    return conf;
  }

  @Test
  void selfInfluenceBeyondExactMaxPIsTheJobsLowRankApproximation() throws Exception {
    InfluenceFunction stage = stage().setSelfInfluenceCol("self_influence").setExactMaxP(5);
    PipelineModel exact = pipeline(stage().setSelfInfluenceCol("self_influence")).fit(adult);
    int p = ((InfluenceFunctionModel) exact.stages()[3]).coefficients().size() + 1;
    PipelineModel lowRank = pipeline(stage.setSelfInfluenceRank(p)).fit(adult);
    Map<Long, Double> exactSelf = selfColumn(exact.transform(adult));
    Map<Long, Double> fullRank = selfColumn(lowRank.transform(adult));
    double worst = 0;
    for (Map.Entry<Long, Double> e : exactSelf.entrySet()) {
      worst = Math.max(worst, Math.abs(fullRank.get(e.getKey()) - e.getValue()) / e.getValue());
    }
    // rank p holds the whole subspace: rounding only (the intercept's diagonal entry is its own curvature)
    assertTrue(worst < 1e-8, "rank p against the Cholesky factor, relative " + worst);
    Path job = Path.of(InfluenceJob.run(new RunOptions(jobConf().toFile(), List.of("influence.target=self", "exact_max_p=5",
        "influence.rank=" + p), dir.resolve("job-self-low-rank"), false), QUIET));
    Map<Long, Double> jobSelf = new HashMap<>();
    for (Row r : SparkSessions.get().read().parquet(job.resolve("scores").toString()).collectAsList()) {
      jobSelf.put(r.getLong(r.fieldIndex("id")), r.getDouble(r.fieldIndex("self_influence")));
    }
    assertEquals(jobSelf, fullRank, "the stage's low-rank self-influence is the job's bit for bit");
    Path saved = dir.resolve("low-rank-model");
    lowRank.write().overwrite().save(saved.toString());
    assertEquals(fullRank, selfColumn(PipelineModel.load(saved.toString()).transform(adult)), "saved and loaded");
  }

  private static Map<Long, Double> selfColumn(Dataset<Row> scored) {
    Map<Long, Double> m = new HashMap<>();
    for (Row r : scored.filter(functions.not(functions.col("is_val"))).select("id", "self_influence").collectAsList()) {
      m.put(r.getLong(0), r.getDouble(1));
    }
    return m;
  }

  @Test
  void queryInfluenceIsEachQuerysExactAttribution() throws Exception {
    Dataset<Row> withQueries = adult.withColumn("is_query", functions.col("id").mod(3).equalTo(1)
        .and(functions.col("id").lt(30)));
    PipelineModel fitted = pipeline(stage().setQueryIndicatorCol("is_query").setIdCol("id").setTopK(5)).fit(withQueries);
    InfluenceFunctionModel model = (InfluenceFunctionModel) fitted.stages()[3];
    List<Row> top = model.queryInfluence().collectAsList();
    assertEquals(10 * 2 * 5, top.size(), "10 queries × 5 rows each way");
    // independently, on the driver: A = (1/n)Σ σ'(ãᵢᵀx)ãᵢãᵢᵀ + ρ·I (not on the intercept) at the model's x*,
    // and each query's score for training row i, −(1/n)∇ℓᵢᵀA⁻¹∇ℓ(query)
    Dataset<Row> rows = fitted.transform(withQueries);
    List<Row> train = rows.filter(functions.not(functions.col("is_val")).and(functions.not(functions.col("is_query"))))
        .select("id", "features", "label").collectAsList();
    Map<Long, Row> queries = new HashMap<>();
    for (Row r : rows.filter(functions.col("is_query")).select("id", "features", "label").collectAsList()) {
      queries.put(r.getLong(0), r);
    }
    int f = model.coefficients().size();
    int p = f + 1;
    double[] x = new double[p];
    System.arraycopy(model.coefficients().toArray(), 0, x, 0, f);
    x[f] = model.intercept();
    int n = train.size();
    assertEquals(model.numTrainingRows(), n);
    double[] a = new double[p * p];
    for (Row r : train) {
      double[] v = augmented(r.getAs(1));
      double sigma = sigmoid(dot(v, x));
      for (int j = 0; j < p; j++) {
        for (int k = 0; k < p; k++) {
          a[k * p + j] += sigma * (1 - sigma) * v[j] * v[k] / n;
        }
      }
    }
    for (int j = 0; j < f; j++) {
      a[j * p + j] += 0.01;
    }
    io.hypergrad.linalg.DenseCholesky factor = io.hypergrad.linalg.DenseCholesky.factor(a, p);
    double worst = 0;
    for (Row t : top) {
      Row q = queries.get(t.getLong(t.fieldIndex("query_id")));
      double[] sq = factor.solve(gradient(q, x));
      Map<Long, Double> scores = new HashMap<>();
      for (Row r : train) {
        scores.put(r.getLong(0), -dot(gradient(r, x), sq) / n);
      }
      double expected = scores.get(t.getLong(t.fieldIndex("train_id")));
      worst = Math.max(worst, Math.abs(t.getDouble(t.fieldIndex("score")) - expected) / Math.abs(expected));
      // the row at rank r is the r-th strongest of all training rows for that query
      boolean harmful = t.getString(t.fieldIndex("kind")).equals("harmful");
      double[] sorted = scores.values().stream().mapToDouble(Double::doubleValue).sorted().toArray();
      int rank = t.getInt(t.fieldIndex("rank"));
      assertEquals(harmful ? sorted[n - rank] : sorted[rank - 1], expected, 1e-9 * Math.abs(expected));
    }
    assertTrue(worst < 1e-9, "query scores against the driver's dense solve, relative " + worst);
    IllegalStateException none = assertThrows(IllegalStateException.class,
        () -> ((InfluenceFunctionModel) pipeline(stage()).fit(adult).stages()[3]).queryInfluence());
    assertTrue(none.getMessage().contains("queryIndicatorCol"), none.getMessage());
  }

  @Test
  void groupInfluenceIsTheJobsGroupsTarget() throws Exception {
    // a group column that is not a feature: four cohorts by id
    Path grouped = dir.resolve("adult-cohorts");
    adult.withColumn("cohort", functions.concat(functions.lit("c"), functions.col("id").mod(4).cast("string")))
        .coalesce(1).write().parquet(grouped.toString());
    Dataset<Row> data = SparkSessions.get().read().parquet(grouped.toString());
    PipelineModel fitted = pipeline(stage().setGroupCol("cohort")).fit(data);
    List<Row> stage = ((InfluenceFunctionModel) fitted.stages()[3]).groupInfluence().orderBy("group").collectAsList();
    Path conf = dir.resolve("groups.conf");
    Files.writeString(conf, Files.readString(jobConf()).replace(table.toString().replace("\\", "/"),
        grouped.toString().replace("\\", "/")).replace("encoding = index }", "encoding = index, group = cohort, "
        + "exclude = [cohort] }"));
    Path job = Path.of(InfluenceJob.run(new RunOptions(conf.toFile(), List.of("influence.target=groups"), dir.resolve("job-groups"),
        false), QUIET));
    List<Row> expected = SparkSessions.get().read().parquet(job.resolve("scores").toString()).orderBy("group")
        .collectAsList();
    assertEquals(4, expected.size(), "four cohorts");
    assertEquals(expected, stage, "the stage's groups are the job's, bit for bit");
  }

  private static double[] augmented(org.apache.spark.ml.linalg.Vector v) {
    double[] out = java.util.Arrays.copyOf(v.toArray(), v.size() + 1);
    out[v.size()] = 1;
    return out;
  }

  private static double sigmoid(double m) {
    return 1 / (1 + Math.exp(-m));
  }

  private static double dot(double[] u, double[] v) {
    double s = 0;
    for (int i = 0; i < u.length; i++) {
      s += u[i] * v[i];
    }
    return s;
  }

  /** ∇ℓ = (σ(ãᵀx) − y)·ã for a row (id, features, label). */
  private static double[] gradient(Row r, double[] x) {
    double[] v = augmented(r.getAs(1));
    double residual = sigmoid(dot(v, x)) - r.getDouble(2);
    for (int j = 0; j < v.length; j++) {
      v[j] *= residual;
    }
    return v;
  }

  @Test
  void theStagesScoresAreTheInfluenceJobsBitForBit() throws Exception {
    Path conf = jobConf();
    Path out = Path.of(InfluenceJob.run(new RunOptions(conf.toFile(), List.of(), dir.resolve("job"), false), QUIET));
    Map<Long, Double> job = new HashMap<>();
    for (Row r : SparkSessions.get().read().parquet(out.resolve("scores").toString()).collectAsList()) {
      job.put(r.getLong(r.fieldIndex("id")), r.getDouble(r.fieldIndex("influence")));
    }

    PipelineModel fitted = pipeline(stage().setSelfInfluenceCol("self_influence")).fit(adult);
    InfluenceFunctionModel model = (InfluenceFunctionModel) fitted.stages()[3];
    assertEquals(1000, model.numTrainingRows());
    assertTrue(model.residual() < 1e-10, "cg's residual " + model.residual());
    Dataset<Row> scored = fitted.transform(adult).filter(functions.not(functions.col("is_val")));
    Map<Long, Double> stage = new HashMap<>();
    for (Row r : scored.select("id", "influence").collectAsList()) {
      stage.put(r.getLong(0), r.getDouble(1));
    }
    assertEquals(1000, stage.size());
    assertEquals(job, stage, "the stage scores the training rows as the influence job does");

    // self-influence: the job's influence.target = self and the model's selfInfluenceCol, bit for bit
    Path self = Path.of(InfluenceJob.run(new RunOptions(conf.toFile(), List.of("influence.target=self"), dir.resolve("job-self"),
        false), QUIET));
    Map<Long, Double> jobSelf = new HashMap<>();
    for (Row r : SparkSessions.get().read().parquet(self.resolve("scores").toString()).collectAsList()) {
      jobSelf.put(r.getLong(r.fieldIndex("id")), r.getDouble(r.fieldIndex("self_influence")));
    }
    Map<Long, Double> stageSelf = new HashMap<>();
    for (Row r : scored.select("id", "self_influence").collectAsList()) {
      stageSelf.put(r.getLong(0), r.getDouble(1));
    }
    assertEquals(jobSelf, stageSelf, "the model's self-influence column is the job's self target");

    // save → load → transform: the same columns
    Path saved = dir.resolve("pipeline-model");
    fitted.write().overwrite().save(saved.toString());
    List<Row> again = PipelineModel.load(saved.toString()).transform(adult).select("id", "influence", "loss")
        .orderBy("id").collectAsList();
    assertEquals(fitted.transform(adult).select("id", "influence", "loss").orderBy("id").collectAsList(), again);
    assertEquals(model.intercept(), ((InfluenceFunctionModel) PipelineModel.load(saved.toString()).stages()[3]).intercept());
  }

  @Test
  void badParamsFailBeforeAnySparkJob() {
    Dataset<Row> features = pipeline(stage()).getStages().length == 4 ? new Pipeline().setStages(
        java.util.Arrays.copyOf(pipeline(stage()).getStages(), 3)).fit(adult).transform(adult) : null;
    IllegalArgumentException family = assertThrows(IllegalArgumentException.class, () -> stage().setFamily("poisson")
        .fit(features));
    assertTrue(family.getMessage().contains("family must be one of"), family.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> stage()
        .setValidationIndicatorCol("nope").fit(features));
    assertTrue(missing.getMessage().contains("validationIndicator column 'nope' does not exist"), missing.getMessage());
    IllegalArgumentException type = assertThrows(IllegalArgumentException.class, () -> stage().setFeaturesCol("age")
        .fit(features));
    assertTrue(type.getMessage().contains("Column age must be of type"), type.getMessage());
    IllegalArgumentException noVal = assertThrows(IllegalArgumentException.class, () -> stage().fit(features
        .withColumn("is_val", functions.lit(false))));
    assertTrue(noVal.getMessage().contains("validation"), noVal.getMessage());
    IllegalArgumentException label = assertThrows(IllegalArgumentException.class, () -> stage().fit(features
        .withColumn("label", functions.lit(2.0))));
    assertTrue(label.getMessage().contains("2 classes"), label.getMessage());
    IllegalArgumentException method = assertThrows(IllegalArgumentException.class, () -> stage()
        .setMethodParams("alpha = 0.5, bogus = 1").fit(features));
    assertTrue(method.getMessage().contains("unknown parameter 'bogus'"), method.getMessage());
  }

  static Dataset<Row> assembled() {
    return new Pipeline().setStages(java.util.Arrays.copyOf(pipeline(stage()).getStages(), 3)).fit(adult).transform(adult);
  }

  static Map<Long, Double> scores(Dataset<Row> scored) {
    Map<Long, Double> m = new HashMap<>();
    for (Row r : scored.filter(functions.not(functions.col("is_val"))).select("id", "influence").collectAsList()) {
      m.put(r.getLong(0), r.getDouble(1));
    }
    return m;
  }

  @Test
  void aFittedMllibModelIsExplainedAsOurOwnFit() {
    Dataset<Row> data = assembled();
    org.apache.spark.ml.classification.LogisticRegressionModel mllib = new org.apache.spark.ml.classification
        .LogisticRegression().setRegParam(0.01).setElasticNetParam(0).setStandardization(false).setFitIntercept(true)
        .setTol(1e-12).setMaxIter(1000).fit(data.filter(functions.not(functions.col("is_val"))));
    InfluenceFunctionModel explained = new InfluenceFunction().setValidationIndicatorCol("is_val").setMethod("cg")
        .setMethodParams("tol = 1e-12").setTol(1e-12).setInitialModel(mllib).fit(data);
    assertTrue(explained.initialModelSummary().contains("are a stationary point"), explained.initialModelSummary());
    InfluenceFunctionModel own = stage().setTol(1e-12).fit(data);
    Map<Long, Double> a = scores(explained.transform(data));
    Map<Long, Double> b = scores(own.transform(data));
    double max = b.values().stream().mapToDouble(Math::abs).max().orElseThrow();
    for (Map.Entry<Long, Double> e : b.entrySet()) {
      // both polished to ‖∇g‖ ≤ 1e-12 relative: the same optimum, so the same scores to far below 1e-8
      assertEquals(e.getValue(), a.get(e.getKey()), 1e-8 * max, "row " + e.getKey());
    }
    assertEquals(own.intercept(), explained.intercept(), 1e-8 * Math.abs(own.intercept()));

    IllegalArgumentException l1 = assertThrows(IllegalArgumentException.class, () -> new InfluenceFunction()
        .setInitialModel(mllib.copy(new org.apache.spark.ml.param.ParamMap().put(mllib.elasticNetParam(), 0.5))));
    assertTrue(l1.getMessage().contains("L1 term"), l1.getMessage());
    IllegalArgumentException standardized = assertThrows(IllegalArgumentException.class, () -> new InfluenceFunction()
        .setInitialModel(mllib.copy(new org.apache.spark.ml.param.ParamMap().put(mllib.standardization(), true))));
    assertTrue(standardized.getMessage().contains("standardization = true"), standardized.getMessage());
    IllegalArgumentException conflict = assertThrows(IllegalArgumentException.class, () -> new InfluenceFunction()
        .setValidationIndicatorCol("is_val").setRegParam(0.5).setInitialModel(mllib).fit(data));
    assertTrue(conflict.getMessage().contains("regParam comes from the model"), conflict.getMessage());
  }

  @Test
  void aLinearRegressionModelsObjectiveMapsToOursWithTwiceRhoOverTheLabelsStd() {
    // hours_per_week by least squares on the assembled Adult features: MLlib's optimum must be ours
    Dataset<Row> data = assembled().withColumn("label", functions.col("hours_per_week").multiply(100));
    Dataset<Row> train = data.filter(functions.not(functions.col("is_val")));
    org.apache.spark.ml.regression.LinearRegressionModel mllib = new org.apache.spark.ml.regression.LinearRegression()
        .setRegParam(0.1).setElasticNetParam(0).setStandardization(false).setFitIntercept(true).setSolver("l-bfgs")
        .setTol(1e-12).setMaxIter(1000).fit(train);
    InfluenceFunctionModel explained = new InfluenceFunction().setValidationIndicatorCol("is_val").setMethod("cg")
        .setMethodParams("tol = 1e-12").setInitialModel(mllib).fit(data);
    assertTrue(explained.initialModelSummary().contains("are a stationary point"), explained.initialModelSummary());
  }
}
