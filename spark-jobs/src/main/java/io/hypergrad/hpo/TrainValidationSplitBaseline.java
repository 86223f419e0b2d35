package io.hypergrad.hpo;

import io.hypergrad.config.InvalidConfigException;
import io.hypergrad.config.JobConfig;
import io.hypergrad.spark.SparkSessions;
import io.hypergrad.task.GlmData;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The baseline the {@code hpo} job reports beside its own result: Spark MLlib's
 * {@link TrainValidationSplit} over a grid of {@code regParam} for {@link LogisticRegression} (one
 * global L2 strength, the model class of the hpo task: no intercept, no feature standardisation),
 * selected by validation log-loss. TrainValidationSplit draws its own random train/validation split
 * of the rows it is given, so it gets train ∪ val with trainRatio = n_train/(n_train + n_val) and
 * refits the winner on all of them; the winner's regParam is also fitted on our train split alone,
 * so that its validation and test figures are on exactly the hpo job's split.
 */
final class TrainValidationSplitBaseline {
  private TrainValidationSplitBaseline() {}

  /** @param data the splits as the hpo job read them */
  static Map<String, Object> run(JobConfig cfg, GlmData data, PrintStream log) {
    if (!cfg.getString("problem.model").equals("logistic")) {
      throw new InvalidConfigException(cfg.where("baseline.enabled") + ": the TrainValidationSplit baseline is for "
          + "problem.model = logistic");
    }
    long start = System.nanoTime();
    SparkSession spark = SparkSessions.get();
    // every candidate and every evaluation reads these: built once, cached for the baseline's life, in one
    // partition per 10⁵ rows — each L-BFGS iteration is a Spark job, whose cost on small data is its tasks
    Dataset<Row> train = compact(split(cfg, data, "train"));
    Dataset<Row> val = compact(split(cfg, data, "val"));
    Dataset<Row> test = compact(split(cfg, data, "test"));
    List<Double> grid = new ArrayList<>();
    if (cfg.has("baseline.reg_params")) {
      for (Object o : cfg.raw().getDoubleList("baseline.reg_params")) {
        grid.add(((Number) o).doubleValue());
      }
    } else {
      grid.addAll(List.of(1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1.0));
    }
    double[] regs = grid.stream().mapToDouble(Double::doubleValue).toArray();
    int maxIter = cfg.getPositiveInt("baseline.max_iter");
    LogisticRegression lr = new LogisticRegression().setFitIntercept(data.intercept()).setStandardization(false).setElasticNetParam(0)
        .setMaxIter(maxIter).setTol(1e-6);
    ParamMap[] params = new ParamGridBuilder().addGrid(lr.regParam(), regs).build();
    MulticlassClassificationEvaluator logLoss = new MulticlassClassificationEvaluator().setMetricName("logLoss");
    MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");
    if (data.weighted()) {
      lr.setWeightCol("weight");
      logLoss.setWeightCol("weight");
      accuracy.setWeightCol("weight");
    }
    long nTrain = train.count();
    long nVal = val.count();
    TrainValidationSplit tvs = new TrainValidationSplit().setEstimator(lr).setEvaluator(logLoss).setEstimatorParamMaps(params)
        .setTrainRatio(nTrain / (double) (nTrain + nVal)).setSeed(cfg.getLong("seed"))
        // the candidates are small fits: several at once use the cores that one fit's few tasks leave idle
        .setParallelism(Math.max(1, Math.min(regs.length, spark.sparkContext().defaultParallelism())));
    TrainValidationSplitModel model = tvs.fit(train.union(val));
    double[] metrics = model.validationMetrics();
    int best = 0;
    for (int i = 1; i < metrics.length; i++) {
      if (metrics[i] < metrics[best]) {
        best = i;
      }
    }
    double bestReg = regs[best];
    Dataset<Row> testPred = model.transform(test);
    LogisticRegressionModel onTrain = lr.copy(new ParamMap()).setRegParam(bestReg).fit(train);
    Dataset<Row> valPred = onTrain.transform(val);
    Dataset<Row> testPredOnTrain = onTrain.transform(test);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", "mllib-train-validation-split");
    m.put("model", "LogisticRegression(fitIntercept = " + data.intercept() + ", standardization = false, elasticNetParam = 0)");
    m.put("reg_params", regs);
    m.put("validation_log_loss", metrics);
    m.put("best_reg_param", bestReg);
    m.put("tvs_validation_loss", metrics[best]);
    m.put("test_loss", logLoss.evaluate(testPred));
    m.put("test_accuracy", accuracy.evaluate(testPred));
    m.put("fit_on_train_val_loss", logLoss.evaluate(valPred));
    m.put("fit_on_train_val_accuracy", accuracy.evaluate(valPred));
    m.put("fit_on_train_test_loss", logLoss.evaluate(testPredOnTrain));
    m.put("fit_on_train_test_accuracy", accuracy.evaluate(testPredOnTrain));
    m.put("seconds", (System.nanoTime() - start) / 1e9);
    train.unpersist();
    val.unpersist();
    test.unpersist();
    log.printf(Locale.ROOT, "baseline TrainValidationSplit: regParam %.3g of %d; test loss %.4f, accuracy %.4f; fitted on "
        + "train: val %.4f/%.4f, test %.4f/%.4f (%.1f s)%n", bestReg, regs.length, (double) m.get("test_loss"),
        (double) m.get("test_accuracy"), (double) m.get("fit_on_train_val_loss"), (double) m.get("fit_on_train_val_accuracy"),
        (double) m.get("fit_on_train_test_loss"), (double) m.get("fit_on_train_test_accuracy"), (double) m.get("seconds"));
    return m;
  }

  private static Dataset<Row> compact(Dataset<Row> frame) {
    long rows = frame.count();
    return frame.coalesce((int) Math.max(1, Math.min(frame.rdd().getNumPartitions(), rows / 100_000))).persist();
  }

  private static Dataset<Row> split(JobConfig cfg, GlmData data, String name) {
    Dataset<Row> frame = data.frame(name);
    if (frame == null) {
      throw new InvalidConfigException(cfg.where("baseline.enabled") + ": the baseline needs a non-empty " + name + " split");
    }
    return frame;
  }
}
