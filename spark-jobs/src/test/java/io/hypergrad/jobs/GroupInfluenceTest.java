package io.hypergrad.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypergrad.model.GlmBilevelProblem;
import io.hypergrad.model.LabeledRows;
import io.hypergrad.model.LogisticLoss;
import io.hypergrad.model.NewtonCg;
import io.hypergrad.model.RidgeHyperModel;
import io.hypergrad.rows.LocalRows;
import io.hypergrad.spark.SparkSessions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * influence.target = groups against retraining without each group: groups of 1%, 5% and 20% of
 * 2000 Adult training rows, first-order and one-Newton-step predictions of the validation loss's change.
 */
class GroupInfluenceTest {
  static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  @TempDir
  Path dir;

  static String group(long id) {
    long b = id % 100;
    return b == 0 ? "g1" : b <= 5 ? "g5" : b <= 25 ? "g20" : "rest";
  }

  @Test
  void groupRemovalPredictionsAgainstRetraining() throws Exception {
    Path prepared = dir.resolve("prepared");
    Path prep = dir.resolve("prep.conf");
    Files.writeString(prep, """
        data {
          format = adult
          paths = ["%s"]
          scaler = minmax
          split { train = 2000, val = 1000 }
          seed = 11
        }
        """.formatted(Path.of("../data/adult/adult.data.gz").toAbsolutePath().toString().replace("\\", "/")));
    PrepareJob.run(new RunOptions(prep.toFile(), List.of("partitions=1"), prepared, false), QUIET);
    SparkSession spark = SparkSessions.get();
    org.apache.spark.sql.api.java.UDF1<Long, String> byId = GroupInfluenceTest::group;
    spark.udf().register("group_of", byId, org.apache.spark.sql.types.DataTypes.StringType);
    Dataset<Row> table = spark.read().parquet(prepared.resolve("train").toString()).withColumn("is_val",
        functions.lit(false)).union(spark.read().parquet(prepared.resolve("val").toString()).withColumn("is_val",
        functions.lit(true))).withColumn("group", functions.callUDF("group_of", functions.col("id")));
    Path source = dir.resolve("table");
    table.coalesce(1).write().parquet(source.toString());
    Path conf = dir.resolve("groups.conf");
    Files.writeString(conf, """
        task = glm
        data {
          source { format = parquet, path = "%s", label = label, id = id, features = [features], group = group }
          split { method = column, column = is_val }
        }
        problem { model = logistic, hyper_model = l2, rho = 0.01, lambda_init = 1.0, inner_tol = 1e-12 }
        influence.target = groups
        method = exact
        partitions = 1
        """.formatted(source.toString().replace("\\", "/")));
    Path out = Path.of(InfluenceJob.run(new RunOptions(conf.toFile(), List.of(), dir.resolve("out"), false), QUIET));
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals(4, summary.get("groups").asInt());

    // retraining on the driver: the same rows, the same objective, each group left out
    List<Vector> f = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    List<String> g = new ArrayList<>();
    for (Row r : spark.read().parquet(prepared.resolve("train").toString()).orderBy("id").collectAsList()) {
      f.add(r.getAs("features"));
      y.add(r.getDouble(r.fieldIndex("label")));
      g.add(group(r.getLong(r.fieldIndex("id"))));
    }
    List<Row> valRows = spark.read().parquet(prepared.resolve("val").toString()).orderBy("id").collectAsList();
    Vector[] vf = valRows.stream().map(r -> (Vector) r.getAs("features")).toArray(Vector[]::new);
    double[] vy = valRows.stream().mapToDouble(r -> r.getDouble(r.fieldIndex("label"))).toArray();
    int features = vf[0].size();
    LocalRows val = LocalRows.of(new LabeledRows(vf, vy, features));
    GlmBilevelProblem all = GlmBilevelProblem.over(new LogisticLoss(), new RidgeHyperModel(0.01, 1.0),
        LocalRows.of(new LabeledRows(f.toArray(Vector[]::new), y.stream().mapToDouble(Double::doubleValue).toArray(),
            features)), val, 0, false);
    double[] x = NewtonCg.solve(all, new double[all.p()], 1e-13, 100).x();
    double base = all.outerLoss(x);
    Map<String, double[]> predicted = new HashMap<>();
    for (Row r : spark.read().parquet(out.resolve("scores").toString()).collectAsList()) {
      predicted.put(r.getString(0), new double[] {r.getDouble(3), r.getDouble(4), r.getLong(1)});
    }
    for (String name : List.of("g1", "g5", "g20")) {
      List<Vector> kf = new ArrayList<>();
      List<Double> ky = new ArrayList<>();
      for (int i = 0; i < f.size(); i++) {
        if (!g.get(i).equals(name)) {
          kf.add(f.get(i));
          ky.add(y.get(i));
        }
      }
      GlmBilevelProblem without = all.withRows(LocalRows.of(new LabeledRows(kf.toArray(Vector[]::new), ky.stream()
          .mapToDouble(Double::doubleValue).toArray(), features)), val);
      double truth = without.outerLoss(NewtonCg.solve(without, x, 1e-13, 100).x()) - base;
      double[] p = predicted.get(name);
      double firstError = Math.abs(p[0] - truth) / Math.abs(truth);
      double correctedError = Math.abs(p[1] - truth) / Math.abs(truth);
      System.out.printf("group %s (%d rows, %.0f%%): retrained Δf = %.4e; first order %.4e (error %.1f%%), corrected %.4e "
          + "(error %.1f%%)%n", name, (long) p[2], 100 * p[2] / f.size(), truth, p[0], 100 * firstError, p[1],
          100 * correctedError);
      assertTrue(correctedError <= firstError + 1e-3, name + ": the Newton step should not be worse than first order");
      assertTrue(correctedError < 0.2, name + ": corrected error " + correctedError);
    }
  }
}
