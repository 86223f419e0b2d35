package io.hypergrad.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.jobs.HpoJob;
import io.hypergrad.jobs.PrepareJob;
import io.hypergrad.jobs.RunOptions;
import io.hypergrad.spark.SparkSessions;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HypergradientTuner against the {@code hpo} job: Appendix E's Adult configuration (per-feature
 * ridge, Mixed FP-KM hypergradients, sgd outer steps), shortened to 10 outer steps, gives the job's
 * history and λ bit for bit on the same rows; the model predicts as MLlib's LogisticRegressionModel
 * with the same coefficients does; save → load keeps it.
 */
class HypergradientTunerTest {
  static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  static final List<String> APPENDIX_E = List.of("data.paths=[\"../data/adult/adult.data.gz\"]", "outer.steps=10",
      "baseline.enabled=false", "plan=driver");

  @TempDir
  Path dir;

  @TempDir
  static Path shared;
  private static Path adult;

  /** Adult split 5000/5000/5000 by prepare (one partition), once for the class. */
  static synchronized Path adult() throws Exception {
    if (adult == null) {
      Path prepared = shared.resolve("prepared");
      Path prepConf = shared.resolve("prepare.conf");
      Files.writeString(prepConf, """
          data {
            format = adult
            paths = ["%s"]
            scaler = minmax
            split { train = 5000, val = 5000, test = 5000 }
            seed = 0
          }
          """.formatted(Path.of("../data/adult/adult.data.gz").toAbsolutePath().toString().replace("\\", "/")));
      PrepareJob.run(new RunOptions(prepConf.toFile(), List.of("partitions=1"), prepared, false), QUIET);
      adult = prepared;
    }
    return adult;
  }

  /** A prepare output's train and val rows as one DataFrame, is_val marking the validation rows. */
  static Dataset<Row> trainAndValidation(Path prepared) {
    SparkSession spark = SparkSessions.get();
    return spark.read().parquet(prepared.resolve("train").toString()).withColumn("is_val", functions.lit(false))
        .union(spark.read().parquet(prepared.resolve("val").toString()).withColumn("is_val", functions.lit(true)));
  }

  /** lambda.json's λ. */
  static double[] lambda(Path out) throws Exception {
    com.fasterxml.jackson.databind.JsonNode l = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(out.resolve("lambda.json").toFile()).get("lambda");
    double[] lambda = new double[l.size()];
    for (int i = 0; i < lambda.length; i++) {
      lambda[i] = l.get(i).asDouble();
    }
    return lambda;
  }

  @Test
  void theTunerReproducesTheHpoJobsHistoryBitForBit() throws Exception {
    // the job's rows: the tuner is fitted on the same train and validation rows
    Path prepared = adult();
    List<String> sets = new ArrayList<>(APPENDIX_E);
    sets.add("data.prepared=\"" + prepared.toString().replace("\\", "/") + "\"");
    Path out = Path.of(HpoJob.run(new RunOptions(new File("../conf/hpo-adult.conf"), sets, dir.resolve("hpo"), false), QUIET));

    Dataset<Row> rows = trainAndValidation(prepared);
    HypergradientTuner tuner = new HypergradientTuner().setValidationIndicatorCol("is_val").setFamily("binomial")
        .setHyperModel("l2-per-feature").setRegParam(0.1).setLambdaInit(1.0).setFitIntercept(false)
        .setMethod("mixed-fp-km").setMethodParams("alpha = 0.8, scale = 1.0, schedule = linear, eta0 = 50, t0 = 100")
        .setDepth(100).setOuterSteps(10).setOuterOptimizer("sgd").setOuterLr(20).setInnerSolver("adam").setInnerSteps(100)
        .setInnerLr(0.01).setSeed(0);
    TunedGlmModel model = tuner.fit(rows);

    // history.csv's train/val loss and accuracy, ‖v‖, ‖λ‖, ‖∇g‖ and samples against the tuner's rows
    List<String> csv = Files.readAllLines(out.resolve("history.csv"));
    List<String> header = List.of(csv.get(0).split(","));
    assertEquals(12, csv.size()); // the header, then steps 0 … 10
    String[] compared = {"step", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "hypergradient_norm",
        "lambda_norm", "inner_grad_norm"};
    List<String> columns = List.of(io.hypergrad.hpo.OuterLoop.HISTORY_COLUMNS);
    for (int k = 0; k <= 10; k++) {
      String[] job = csv.get(k + 1).split(",", -1);
      double[] stage = model.historyRows().get(k);
      for (String c : compared) {
        String cell = job[header.indexOf(c)]; // history.csv leaves what is not measured empty
        assertEquals(cell.isEmpty() ? Double.NaN : Double.parseDouble(cell), stage[columns.indexOf(c)], 0.0,
            "step " + k + " " + c);
      }
    }
    double[] lambda = lambda(out);
    assertArrayEquals(lambda, model.lambda().toArray(), 0.0);
    assertEquals(11, model.history().count());

    // predictions as MLlib's LogisticRegressionModel writes them, for the same coefficients
    List<Row> predicted = model.transform(rows).select("features", "rawPrediction", "probability", "prediction")
        .limit(50).collectAsList();
    double[] w = model.coefficients().toArray();
    for (Row r : predicted) {
      double m = io.hypergrad.model.Rows.dot((Vector) r.get(0), w, 0);
      assertArrayEquals(new double[] {-m, m}, ((Vector) r.get(1)).toArray(), 1e-12);
      assertEquals(1 / (1 + Math.exp(-m)), ((Vector) r.get(2)).apply(1), 1e-12);
      assertEquals(m > 0 ? 1.0 : 0.0, r.getDouble(3));
    }

    // save → load → the same λ, coefficients and predictions
    Path saved = dir.resolve("tuned");
    model.write().save(saved.toString());
    TunedGlmModel loaded = TunedGlmModel.load(saved.toString());
    assertArrayEquals(model.lambda().toArray(), loaded.lambda().toArray(), 0.0);
    assertEquals(model.transform(rows).select("prediction", "probability").collectAsList(),
        loaded.transform(rows).select("prediction", "probability").collectAsList());
    assertEquals(11, loaded.historyRows().size());
  }

  /**
   * method = hpm through populationParams: the tuner's λ is the hpo job's, bit for bit. (On the
   * 5000-row splits the other test uses: at 600 rows the val split is written as two Parquet files,
   * which spark.read orders by size, not name, so the DataFrame's validation rows come rotated by 300
   * and their sums in another order — the same rows, the last bit of λ apart.)
   */
  @Test
  void aPopulationTunerReproducesTheHpoJob() throws Exception {
    Path prepared = adult();
    List<String> sets = List.of("data.prepared=\"" + prepared.toString().replace("\\", "/") + "\"", "baseline.enabled=false",
        "plan=driver", "method=hpm", "population.size=4", "population.ready_steps=2", "outer.steps=3", "inner.steps=30",
        "depth=40");
    Path out = Path.of(HpoJob.run(new RunOptions(new File("../conf/hpo-adult.conf"), sets, dir.resolve("hpm"), false), QUIET));

    Dataset<Row> rows = trainAndValidation(prepared);
    TunedGlmModel model = new HypergradientTuner().setValidationIndicatorCol("is_val").setFamily("binomial")
        .setHyperModel("l2-per-feature").setRegParam(0.1).setLambdaInit(1.0).setFitIntercept(false).setMethod("hpm")
        .setMethodParams("alpha = 0.8, scale = 1.0, schedule = linear, eta0 = 50, t0 = 100")
        .setPopulationParams("size = 4, ready_steps = 2").setDepth(40).setOuterSteps(3).setOuterOptimizer("sgd")
        .setOuterLr(20).setInnerSolver("adam").setInnerSteps(30).setInnerLr(0.01).setSeed(0).fit(rows);
    double[] lambda = lambda(out);
    assertArrayEquals(lambda, model.lambda().toArray(), 0.0);
    assertEquals(4, model.historyRows().size());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new HypergradientTuner()
        .setValidationIndicatorCol("is_val").setMethod("hpm").setPopulationParams("sizes = 4").transformSchema(rows.schema()));
    assertTrue(e.getMessage().contains("unknown key 'sizes'"), e.getMessage());
  }

  @Test
  void theEstimatorsSaveAndLoadWithTheirParams() throws Exception {
    HypergradientTuner tuner = new HypergradientTuner().setValidationIndicatorCol("is_val").setHyperModel("biased-reg")
        .setOuterLr(3.5).setMethodParams("alpha = 0.9").setCheckpointDir("/tmp/somewhere");
    tuner.write().save(dir.resolve("tuner").toString());
    HypergradientTuner loadedTuner = HypergradientTuner.load(dir.resolve("tuner").toString());
    assertEquals(tuner.uid(), loadedTuner.uid());
    assertEquals(tuner.extractParamMap().toString(), loadedTuner.extractParamMap().toString());
    InfluenceFunction influence = new InfluenceFunction().setValidationIndicatorCol("is_val").setRegParam(0.3)
        .setMethod("sid").setFitIntercept(false);
    influence.write().save(dir.resolve("influence").toString());
    InfluenceFunction loadedInfluence = InfluenceFunction.load(dir.resolve("influence").toString());
    assertEquals(influence.extractParamMap().toString(), loadedInfluence.extractParamMap().toString());
    assertEquals(0.3, (Double) loadedInfluence.getOrDefault(loadedInfluence.regParam()));
  }

  @Test
  void badParamsFailBeforeAnySparkJob() {
    Dataset<Row> empty = SparkSessions.get().createDataFrame(List.of(), new org.apache.spark.sql.types.StructType()
        .add("features", org.apache.spark.ml.linalg.SQLDataTypes.VectorType()).add("label", "double")
        .add("is_val", "boolean"));
    IllegalArgumentException optimizer = assertThrows(IllegalArgumentException.class, () -> new HypergradientTuner()
        .setValidationIndicatorCol("is_val").setOuterOptimizer("rmsprop").transformSchema(empty.schema()));
    assertTrue(optimizer.getMessage().contains("unknown outer.optimizer 'rmsprop'"), optimizer.getMessage());
    IllegalArgumentException lr = assertThrows(IllegalArgumentException.class, () -> new HypergradientTuner()
        .setValidationIndicatorCol("is_val").setOuterLr(-1).transformSchema(empty.schema()));
    assertTrue(lr.getMessage().contains("outer.lr must be > 0"), lr.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> new HypergradientTuner()
        .transformSchema(empty.schema()));
    assertTrue(missing.getMessage().contains("needs validationIndicatorCol"), missing.getMessage());
  }
}
