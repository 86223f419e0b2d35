package io.hypergrad.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypergrad.prep.DataFormatException;
import io.hypergrad.prep.DataPreparation;
import io.hypergrad.spark.PreparedData;
import io.hypergrad.spark.SparkSessions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** prepare → Parquet + metadata.json, read back by Spark and by estimate. */
class PrepareJobTest {
  @TempDir
  static Path dir;
  static Path prepared;
  static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  static final String ADULT = Path.of("../data/adult/adult.data.gz").toAbsolutePath().toString().replace("\\", "/");

  static Path conf(String name, String text) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  static final String DATA = """
      data {
        format = adult
        paths = ["%s"]
        scaler = minmax
        split { train = 600, val = 300, test = 0.01 }
        seed = 5
      }
      """;

  @BeforeAll
  static void prepare() throws Exception {
    prepared = dir.resolve("prepared");
    PrepareJob.run(new RunOptions(conf("prep.conf", DATA.formatted(ADULT)).toFile(), List.of(), prepared, false), QUIET);
  }

  @Test
  void parquetHasTheDocumentedSchemaCountsAndMetadata() throws Exception {
    Dataset<Row> train = SparkSessions.get().read().parquet(prepared.resolve("train").toString());
    assertEquals(List.of("id", "label", "features"), List.of(train.columns()));
    assertEquals(SQLDataTypes.VectorType(), train.schema().apply("features").dataType());
    assertEquals(600, train.count());
    JsonNode meta = new ObjectMapper().readTree(prepared.resolve("metadata.json").toFile());
    // the shipped file's checksum, as data/adult/README.md states it
    assertEquals("c7a2b4716a97f930123e0baf879188d701e798172631a654fc703d4b082907f3",
        meta.get("sources").get(0).get("sha256").asText());
    assertEquals(30_162, meta.get("rows_read").asInt());
    assertEquals(2_399, meta.get("dropped").get("missing value (?)").asInt());
    assertEquals(301, meta.get("counts").get("test").asInt());
    assertEquals(14, meta.get("features").asInt());
    assertEquals(2, meta.get("classes").asInt());
    assertEquals("minmax", meta.get("scaler").get("kind").asText());
    assertEquals(5, meta.get("split_seed").asInt());
  }

  @Test
  void readingBackGivesTheRowsPreparedInMemory() throws Exception {
    DataPreparation.Result back = PreparedData.read(prepared);
    DataPreparation.Result direct = DataPreparation.run(io.hypergrad.config.DataConfig.spec(
        io.hypergrad.config.JobConfig.load(dir.resolve("prep.conf").toFile(), List.of(), io.hypergrad.config.ConfigKeys.Job.PREPARE.keys())));
    Set<Long> ids = new HashSet<>();
    for (String split : List.of("train", "val", "test")) {
      var a = back.split(split);
      var b = direct.split(split);
      assertArrayEquals(b.ids(), a.ids(), split);
      assertArrayEquals(b.labels(), a.labels(), split);
      for (int i = 0; i < a.size(); i++) {
        assertArrayEquals(b.features()[i].toArray(), a.features()[i].toArray(), split + " row " + i);
        assertTrue(ids.add(a.ids()[i]));
      }
    }
  }

  @Test
  void estimateOnPreparedDataEqualsEstimateOnRawFiles() throws Exception {
    String run = """
        task = glm
        problem { model = logistic, hyper_model = l2-per-feature, rho = 0.1 }
        seeds = 2
        iterations = 500
        estimators = [ { method = mixed-fp-km, alpha = 0.8, schedule = linear, eta0 = 10, t0 = 100 }, { method = exact } ]
        """;
    Path raw = dir.resolve("raw-out");
    Path fromParquet = dir.resolve("parquet-out");
    EstimateJob.run(new RunOptions(conf("raw.conf", DATA.formatted(ADULT) + run).toFile(), List.of(), raw, false), QUIET);
    EstimateJob.run(new RunOptions(conf("pq.conf", "data.prepared = \"" + prepared.toString().replace("\\", "/")
        + "\"\n" + run).toFile(), List.of(), fromParquet, false), QUIET);
    ObjectMapper json = new ObjectMapper();
    JsonNode a = json.readTree(raw.resolve("summary.json").toFile()).get("results");
    JsonNode b = json.readTree(fromParquet.resolve("summary.json").toFile()).get("results");
    for (int i = 0; i < a.size(); i++) {
      // bit for bit: the same rows in the same order give the same chains
      assertEquals(a.get(i).get("final_error_mean").asDouble(), b.get(i).get("final_error_mean").asDouble(), 0.0);
    }
    assertEquals(Files.readString(raw.resolve("hypergradient.json")), Files.readString(fromParquet.resolve("hypergradient.json")));

    // on the Spark plans the Parquet rows go straight into the executors' partitions: same result
    Path onExecutors = dir.resolve("parquet-chains-out");
    Path rawChains = dir.resolve("raw-chains-out");
    List<String> chains = List.of("plan=chains", "partitions=3");
    EstimateJob.run(new RunOptions(dir.resolve("pq.conf").toFile(), chains, onExecutors, false), QUIET);
    EstimateJob.run(new RunOptions(dir.resolve("raw.conf").toFile(), chains, rawChains, false), QUIET);
    assertEquals(Files.readString(rawChains.resolve("errors.csv")), Files.readString(onExecutors.resolve("errors.csv")));
    JsonNode summary = json.readTree(onExecutors.resolve("summary.json").toFile());
    assertEquals("chains", summary.get("plan").asText());
    assertEquals(600, summary.get("n_train").asInt());
  }

  @Test
  void malformedInputNamesFileLineAndFieldAndWritesNothing() throws Exception {
    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "a,b,y\n1,2,0\n3,x,1\n");
    Path out = dir.resolve("never");
    Path c = conf("bad.conf", """
        data { format = csv, paths = ["%s"], label_column = y, split { train = 1, val = 1 } }
        """.formatted(bad.toString().replace("\\", "/")));
    DataFormatException e = assertThrows(DataFormatException.class,
        () -> PrepareJob.run(new RunOptions(c.toFile(), List.of(), out, false), QUIET));
    assertTrue(e.getMessage().contains("bad.csv:3") && e.getMessage().contains("field b") && e.getMessage().contains("'x'"),
        e.getMessage());
    assertFalse(Files.exists(out), "no output on failure");
    try (var listing = Files.list(dir)) {
      assertTrue(listing.noneMatch(p -> p.getFileName().toString().contains("never")), "no staging left behind");
    }
  }
}
