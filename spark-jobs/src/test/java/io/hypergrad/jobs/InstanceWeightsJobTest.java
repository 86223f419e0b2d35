package io.hypergrad.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypergrad.prep.DataFormatException;
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
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table's weight column: a row of integer weight c acts as c copies of the row (the same
 * hypergradient, validation loss, and a score equal to its copies' scores summed), every plan gives
 * the driver's result, and a prepare output keeps the weights exactly.
 */
class InstanceWeightsJobTest {
  static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  static final int N = 240;
  static final int F = 4;

  @TempDir
  static Path dir;
  static Path weighted;
  static Path repeated;

  /** Logistic rows with weights 0…3 (every fourth row a validation row), and the same rows repeated by weight. */
  @BeforeAll
  static void tables() {
    SparkSession spark = SparkSessions.get();
    StructType schema = new StructType().add("id", DataTypes.LongType).add("y", DataTypes.DoubleType)
        .add("x1", DataTypes.DoubleType).add("x2", DataTypes.DoubleType).add("x3", DataTypes.DoubleType)
        .add("x4", DataTypes.DoubleType).add("w", DataTypes.DoubleType).add("is_val", DataTypes.BooleanType);
    SplittableRandom rng = new SplittableRandom(7);
    double[] truth = {1.5, -2, 0.5, 1};
    List<Row> rows = new ArrayList<>();
    List<Row> copies = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      double[] x = new double[F];
      double m = 0;
      for (int j = 0; j < F; j++) {
        x[j] = rng.nextGaussian();
        m += truth[j] * x[j];
      }
      double y = rng.nextDouble() < 1 / (1 + Math.exp(-m)) ? 1 : 0;
      int c = i == 0 ? 2 : rng.nextInt(4);
      boolean val = i % 4 == 0;
      Row r = RowFactory.create((long) i, y, x[0], x[1], x[2], x[3], (double) c, val);
      rows.add(r);
      for (int k = 0; k < c; k++) {
        copies.add(RowFactory.create((long) i, y, x[0], x[1], x[2], x[3], 1.0, val));
      }
    }
    weighted = dir.resolve("weighted");
    repeated = dir.resolve("repeated");
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(weighted.toString());
    spark.createDataFrame(copies, schema).coalesce(1).write().parquet(repeated.toString());
  }

  /** The data block alone (what prepare reads). */
  static String source(Path table, boolean withWeight) {
    return """
        data {
          source { format = parquet, path = "%s", label = y, id = id, features = [x1, x2, x3, x4]%s }
          split { method = column, column = is_val }
        }
        """.formatted(table.toString().replace("\\", "/"), withWeight ? ", weight = w" : "");
  }

  static final String PROBLEM = """
      task = glm
      problem { model = logistic, hyper_model = l2-per-feature, rho = 0.05, inner_tol = 1e-12 }
      """;

  static String data(Path table, boolean withWeight) {
    return PROBLEM + source(table, withWeight);
  }

  static Path conf(String name, String text) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  static double[] hypergradient(Path out) throws Exception {
    JsonNode h = new ObjectMapper().readTree(out.resolve("hypergradient.json").toFile()).get("v_star");
    double[] v = new double[h.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = h.get(i).asDouble();
    }
    return v;
  }

  static double relativeDistance(double[] a, double[] b) {
    double d = 0;
    double n = 0;
    for (int i = 0; i < a.length; i++) {
      d += (a[i] - b[i]) * (a[i] - b[i]);
      n += b[i] * b[i];
    }
    return Math.sqrt(d / n);
  }

  static final String EXACT = "reference = exact\nestimators = [ { method = exact } ]\nseeds = 1\niterations = 10\n";

  @Test
  void aRowOfWeightCIsCCopiesOfTheRow() throws Exception {
    // the exact hypergradient at each table's own inner optimum: the weighted problem is the repeated one
    Path a = dir.resolve("exact-weighted");
    Path b = dir.resolve("exact-repeated");
    EstimateJob.run(new RunOptions(conf("ew.conf", data(weighted, true) + EXACT).toFile(), List.of(), a, false), QUIET);
    EstimateJob.run(new RunOptions(conf("er.conf", data(repeated, false) + EXACT).toFile(), List.of(), b, false), QUIET);
    double rel = relativeDistance(hypergradient(a), hypergradient(b));
    // both inner solves stop at ‖∇g‖ ≤ 1e-12 relative; the sums differ only in order
    assertTrue(rel < 1e-9, "hypergradient weighted vs repeated: " + rel);

    // influence: the same validation loss; a weighted row's score is its copies' scores summed
    String influence = "method = cg\ncompare_cg = false\ntop_k = 5\nhistogram_bins = 10\npartitions = 2\n";
    Path iw = dir.resolve("influence-weighted");
    Path ir = dir.resolve("influence-repeated");
    InfluenceJob.run(new RunOptions(conf("iw.conf", data(weighted, true) + influence).toFile(), List.of(), iw, false), QUIET);
    InfluenceJob.run(new RunOptions(conf("ir.conf", data(repeated, false) + influence).toFile(), List.of(), ir, false),
        QUIET);
    ObjectMapper json = new ObjectMapper();
    double lw = json.readTree(iw.resolve("summary.json").toFile()).get("val_loss").asDouble();
    double lr = json.readTree(ir.resolve("summary.json").toFile()).get("val_loss").asDouble();
    assertEquals(lr, lw, 1e-12 * lr, "weighted mean validation loss");
    Map<Long, Double> sw = new HashMap<>();
    Map<Long, Double> weights = new HashMap<>();
    for (Row r : SparkSessions.get().read().parquet(iw.resolve("scores").toString()).collectAsList()) {
      sw.put(r.getLong(r.fieldIndex("id")), r.getDouble(r.fieldIndex("influence")));
      weights.put(r.getLong(r.fieldIndex("id")), r.getDouble(r.fieldIndex("weight")));
    }
    Map<Long, Double> sr = new HashMap<>();
    for (Row r : SparkSessions.get().read().parquet(ir.resolve("scores").toString()).collectAsList()) {
      sr.merge(r.getLong(r.fieldIndex("id")), r.getDouble(r.fieldIndex("influence")), Double::sum);
    }
    double max = sr.values().stream().mapToDouble(Math::abs).max().orElseThrow();
    int zero = 0;
    for (Map.Entry<Long, Double> e : sw.entrySet()) {
      double expected = sr.getOrDefault(e.getKey(), 0.0);
      // cg solves to 1e-10 relative: scores agree to far better than 1e-7 of the largest
      assertEquals(expected, e.getValue(), 1e-7 * max, "row " + e.getKey());
      zero += weights.get(e.getKey()) == 0 ? 1 : 0;
    }
    assertTrue(zero > 10, "rows of weight 0 are kept (score 0): " + zero);
    double meanWeight = weights.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    assertEquals(1.0, meanWeight, 1e-12, "the training weights are brought to mean 1");
  }

  @Test
  void everyPlanGivesTheDriversResultAndPrepareKeepsTheWeights() throws Exception {
    String run = """
        reference = cg
        seeds = 2
        iterations = 200
        estimators = [ { method = mixed-fp-km, alpha = 0.8, schedule = linear, eta0 = 10, t0 = 50 }, { method = neumann } ]
        """;
    Path conf = conf("plans.conf", data(weighted, true) + run);
    Map<String, String> errors = new HashMap<>();
    for (String plan : List.of("driver", "distributed", "chains")) {
      Path out = dir.resolve("plan-" + plan);
      EstimateJob.run(new RunOptions(conf.toFile(), List.of("plan=" + plan, "partitions=1"), out, false), QUIET);
      errors.put(plan, Files.readString(out.resolve("errors.csv")));
    }
    // one partition: every sum in the single-machine order, weighted rows included
    assertEquals(errors.get("driver"), errors.get("distributed"));
    assertEquals(errors.get("driver"), errors.get("chains"));

    // prepare writes the weights at mean 1; read back they are kept as they are, not normalised again
    Path prepared = dir.resolve("prepared");
    PrepareJob.run(new RunOptions(conf("prepare.conf", source(weighted, true)).toFile(), List.of("partitions=1"), prepared,
        false), QUIET);
    Path fromPrepared = dir.resolve("plan-prepared");
    EstimateJob.run(new RunOptions(conf("prepared.conf", "data.prepared = \"" + prepared.toString().replace("\\", "/")
        + "\"\n" + PROBLEM + run).toFile(),
        List.of("plan=distributed", "partitions=1"), fromPrepared, false), QUIET);
    assertEquals(errors.get("driver"), Files.readString(fromPrepared.resolve("errors.csv")));
    JsonNode meta = new ObjectMapper().readTree(prepared.resolve("metadata.json").toFile());
    assertEquals("w", meta.get("weights").get("column").asText());
  }

  @Test
  void aBadWeightStopsTheJobNamingTheFieldOrIsDropped() throws Exception {
    SparkSession spark = SparkSessions.get();
    StructType schema = new StructType().add("y", DataTypes.DoubleType).add("x", DataTypes.DoubleType)
        .add("w", DataTypes.DoubleType);
    Path bad = dir.resolve("bad-weights");
    spark.createDataFrame(List.of(RowFactory.create(1.0, 0.5, 1.0), RowFactory.create(0.0, -0.5, -2.0),
        RowFactory.create(1.0, 1.5, null), RowFactory.create(0.0, -1.0, 3.0), RowFactory.create(1.0, 2.0, 1.0)), schema)
        .coalesce(1).write().parquet(bad.toString());
    String text = """
        data {
          source { format = parquet, path = "%s", label = y, features = [x], weight = w }
          split { method = none }
        }
        """.formatted(bad.toString().replace("\\", "/"));
    Path out = dir.resolve("bad-out");
    DataFormatException e = assertThrows(DataFormatException.class, () -> PrepareJob.run(
        new RunOptions(conf("bad.conf", text).toFile(), List.of(), out, false), QUIET));
    assertTrue(e.getMessage().contains("w: a negative weight (-2.0)"), e.getMessage());
    assertFalse(Files.exists(out));
    Path dropped = dir.resolve("dropped-out");
    PrepareJob.run(new RunOptions(conf("drop.conf", text).toFile(), List.of("data.on_bad_row=drop"), dropped, false),
        QUIET);
    JsonNode meta = new ObjectMapper().readTree(dropped.resolve("metadata.json").toFile());
    assertEquals(3, meta.get("counts").get("train").asInt());
    assertEquals(1, meta.get("dropped").get("w: a negative weight").asInt(), meta.get("dropped").toString());
    assertEquals(1, meta.get("dropped").get("w: missing or unreadable").asInt(), meta.get("dropped").toString());
  }
}
