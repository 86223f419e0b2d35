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

  /** An estimate run of Mixed FP-KM against a reference: iterations, reference method. */
  static final String RUN = """
      task = glm
      problem { model = logistic, hyper_model = l2-per-feature, rho = 0.1 }
      seeds = 2
      iterations = %d
      estimators = [ { method = mixed-fp-km, alpha = 0.8, schedule = linear, eta0 = 10, t0 = 100 }, { method = %s } ]
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
    DataPreparation.Result back = PreparedData.read(prepared.toString());
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
  void keysThatWouldPrepareAgainAreNamedAsUnused() throws Exception {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    PrintStream log = new PrintStream(text, true, StandardCharsets.UTF_8);
    EstimateJob.run(new RunOptions(conf("pq-warn.conf", "data.prepared = \"" + prepared.toString().replace("\\", "/")
        + "\"\n" + RUN.formatted(50, "cg")).toFile(), List.of("data.scaler=standard", "data.split.train=10"),
        dir.resolve("warned"), false), log);
    String out = text.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("WARNING: data.prepared = ") && out.contains("data.split, data.scaler are not used"), out);
  }

  @Test
  void estimateOnPreparedDataEqualsEstimateOnRawFiles() throws Exception {
    String run = RUN.formatted(500, "exact");
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

  /** The Adult file as a table Spark reads: the same rows as the raw-file preparation of {@link #DATA}. */
  static final String TABLE = """
      data {
        source {
          format = csv
          path = "%s"
          header = false
          schema = "age DOUBLE, workclass STRING, fnlwgt DOUBLE, education STRING, education_num DOUBLE, marital_status STRING, occupation STRING, relationship STRING, race STRING, sex STRING, capital_gain DOUBLE, capital_loss DOUBLE, hours_per_week DOUBLE, native_country STRING, income STRING"
          options { ignoreLeadingWhiteSpace = true, nullValue = "?" }
          label = income
          categorical = [workclass, education, marital_status, occupation, relationship, race, sex, native_country]
          encoding = index
        }
        on_bad_row = drop
        scaler = minmax
        split { train = 600, val = 300, test = 0.01 }
        seed = 5
      }
      """;

  @Test
  void aTablePreparedOnTheExecutorsHoldsTheRowsOfTheRawFilesPreparation() throws Exception {
    Path fromTable = dir.resolve("table-prepared");
    PrepareJob.run(new RunOptions(conf("table.conf", TABLE.formatted(ADULT)).toFile(), List.of("partitions=3"), fromTable,
        false), QUIET);
    JsonNode meta = new ObjectMapper().readTree(fromTable.resolve("metadata.json").toFile());
    assertEquals(30_162, meta.get("rows_read").asInt());
    long dropped = 0;
    for (JsonNode c : meta.get("dropped")) {
      dropped += c.asLong();
    }
    assertEquals(2_399, dropped, "the rows with a missing value, counted per field");
    DataPreparation.Result a = PreparedData.read(prepared.toString());
    DataPreparation.Result b = PreparedData.read(fromTable.toString());
    for (String split : List.of("train", "val", "test")) {
      assertArrayEquals(a.split(split).ids(), b.split(split).ids(), split);
      assertArrayEquals(a.split(split).labels(), b.split(split).labels(), split);
      for (int i = 0; i < a.split(split).size(); i++) {
        assertArrayEquals(a.split(split).features()[i].toArray(), b.split(split).features()[i].toArray(), split + " " + i);
      }
      // and read file by file into partitions, without a sort, the rows come in id order
      long[] ids = PreparedData.partitions(fromTable.toString(), split, 2).collect().stream()
          .flatMapToLong(p -> java.util.stream.LongStream.range(0, p.size()).map(i -> p.id((int) i))).toArray();
      assertArrayEquals(a.split(split).ids(), ids, split + " read on the executors");
    }
  }

  /**
   * Every location as a Hadoop FileSystem URI (file:///…, the same code path as hdfs://): the table
   * read, the prepare output written and read back, and estimate's --out — the same rows and the same
   * result as the local paths.
   */
  @Test
  void aTableOnAHadoopUriIsPreparedThereAndReadBackByEstimate() throws Exception {
    String tableUri = Path.of(ADULT).toUri().toString();
    String preparedUri = dir.resolve("uri-prepared").toUri().toString();
    PrepareJob.run(new RunOptions(conf("uri-table.conf", TABLE.formatted(tableUri)).toFile(), List.of("partitions=3"),
        preparedUri, false), QUIET);
    assertTrue(Files.isRegularFile(dir.resolve("uri-prepared/metadata.json")));
    DataPreparation.Result a = PreparedData.read(prepared.toString());
    DataPreparation.Result b = PreparedData.read(preparedUri);
    for (String split : List.of("train", "val", "test")) {
      assertArrayEquals(a.split(split).ids(), b.split(split).ids(), split);
      assertArrayEquals(a.split(split).labels(), b.split(split).labels(), split);
    }
    String run = RUN.formatted(300, "cg");
    List<String> sets = List.of("plan=chains", "partitions=3");
    Path local = dir.resolve("local-prepared-out");
    String remote = dir.resolve("uri-prepared-out").toUri().toString();
    EstimateJob.run(new RunOptions(conf("pq-local.conf", "data.prepared = \"" + prepared.toString().replace("\\", "/")
        + "\"\n" + run).toFile(), sets, local, false), QUIET);
    String wrote = EstimateJob.run(new RunOptions(conf("pq-uri.conf", "data.prepared = \"" + preparedUri + "\"\n" + run)
        .toFile(), sets, remote, false), QUIET);
    assertTrue(wrote.startsWith("file:"), wrote);
    for (String f : List.of("errors.csv", "hypergradient.json")) {
      assertEquals(Files.readString(local.resolve(f)), Files.readString(dir.resolve("uri-prepared-out").resolve(f)), f);
    }
  }

  @Test
  void estimateOnATableEqualsEstimateOnRawFilesOnTheSparkPlans() throws Exception {
    String run = RUN.formatted(300, "cg");
    Path table = conf("table-run.conf", TABLE.formatted(ADULT) + run);
    Path raw = conf("raw-run.conf", DATA.formatted(ADULT) + run);
    for (String plan : List.of("distributed", "chains")) {
      List<String> sets = List.of("plan=" + plan, "partitions=3");
      Path a = dir.resolve("raw-" + plan);
      Path b = dir.resolve("table-" + plan);
      EstimateJob.run(new RunOptions(raw.toFile(), sets, a, false), QUIET);
      EstimateJob.run(new RunOptions(table.toFile(), sets, b, false), QUIET);
      assertEquals(Files.readString(a.resolve("errors.csv")), Files.readString(b.resolve("errors.csv")), plan);
      assertEquals(Files.readString(a.resolve("hypergradient.json")), Files.readString(b.resolve("hypergradient.json")),
          plan);
    }
  }

  @Test
  void aBadRowInATableStopsPrepareNamingFileRecordAndFieldAndWritesNothing() throws Exception {
    Path bad = dir.resolve("bad-table.csv");
    Files.writeString(bad, "a,b,y\n1,2,0\n3,4,1\n5,,1\n");
    Path out = dir.resolve("never-table");
    Path c = conf("bad-table.conf", """
        data { source { format = csv, path = "%s", label = y, schema = "a DOUBLE, b DOUBLE, y DOUBLE" }, split { method = hash, train = 0.5, val = 0.5 } }
        """.formatted(bad.toString().replace("\\", "/")));
    DataFormatException e = assertThrows(DataFormatException.class,
        () -> PrepareJob.run(new RunOptions(c.toFile(), List.of(), out, false), QUIET));
    assertTrue(e.getMessage().contains("bad-table.csv") && e.getMessage().contains("record 3")
        && e.getMessage().contains("b: missing"), e.getMessage());
    assertFalse(Files.exists(out), "no output on failure");
  }
}
