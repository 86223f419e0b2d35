package io.hypergrad.prep.table;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.prep.DataFormatException;
import io.hypergrad.prep.DataPreparation;
import io.hypergrad.prep.DataSpec;
import io.hypergrad.prep.PreparedSplit;
import io.hypergrad.prep.Scaler;
import io.hypergrad.prep.SplitSizes;
import java.io.IOException;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The table path against the in-memory preparation, and its splits, numbering and bad-row policies. */
class TableIngestTest {
  private static final Path ADULT = Path.of("../data/adult/adult.data.gz");
  private static final String ADULT_SCHEMA = "age DOUBLE, workclass STRING, fnlwgt DOUBLE, education STRING, "
      + "education_num DOUBLE, marital_status STRING, occupation STRING, relationship STRING, race STRING, sex STRING, "
      + "capital_gain DOUBLE, capital_loss DOUBLE, hours_per_week DOUBLE, native_country STRING, income STRING";
  private static final List<String> ADULT_CATEGORICAL = List.of("workclass", "education", "marital_status", "occupation",
      "relationship", "race", "sex", "native_country");

  private static SparkSession spark;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("table-ingest-test")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static TableSpec adult(String encoding) {
    return new TableSpec("csv", List.of(ADULT.toString()), null, "income", List.of(), List.of(), ADULT_CATEGORICAL,
        encoding, null, null, Map.of("header", "false", "ignoreLeadingWhiteSpace", "true", "nullValue", "?"),
        ADULT_SCHEMA, "drop");
  }

  @Test
  void adultReadBySparkGivesTheInMemoryPreparationsRowsBitForBit() throws IOException {
    SplitSizes sizes = new SplitSizes(5000, 5000, 1000);
    DataPreparation.Result old = DataPreparation.run(new DataSpec("adult", List.of(ADULT), null, ',', 0, "sklearn",
        "minmax", sizes, 7, 0.2, 3));
    IngestedTable table = TableIngest.run(spark, adult("index"), new SplitRule("permutation", sizes, 7, null),
        new TableIngest.Settings("minmax", 0.2, 3, 3));
    DataPreparation.Result now = table.collect();
    assertEquals(old.featureCount(), now.featureCount());
    assertEquals(old.classes(), now.classes());
    Map<?, ?> oldCodes = (Map<?, ?>) old.metadata().get("categorical_encodings");
    Map<?, ?> newCodes = (Map<?, ?>) now.metadata().get("categorical_encodings");
    for (Map.Entry<?, ?> e : oldCodes.entrySet()) {
      assertEquals(e.getValue(), newCodes.get(e.getKey().toString().replace('-', '_')), "categories of " + e.getKey());
    }
    assertEquals(2399L, ((Map<?, ?>) now.metadata().get("dropped")).values().stream()
        .mapToLong(v -> ((Number) v).longValue()).sum(), "Adult's rows with a missing value");
    for (String name : List.of("train", "val", "test")) {
      PreparedSplit a = old.split(name);
      PreparedSplit b = now.split(name);
      assertArrayEquals(a.ids(), b.ids(), name);
      assertArrayEquals(a.labels(), b.labels(), name);
      if (a.cleanLabels() != null) {
        assertArrayEquals(a.cleanLabels(), b.cleanLabels(), name + " clean labels");
      }
      for (int i = 0; i < a.size(); i++) {
        assertArrayEquals(a.features()[i].toArray(), b.features()[i].toArray(), 0.0, name + " row " + i);
      }
    }
    table.release();
  }

  @Test
  void theAdultFormatReadsTheFilesAsTheReferenceDoes() {
    SplitSizes sizes = new SplitSizes(3000, 2000, 0);
    SplitRule rule = new SplitRule("permutation", sizes, 4, null);
    TableIngest.Settings settings = new TableIngest.Settings("minmax", 0, 0, 2);
    DataPreparation.Result preset = TableIngest.run(spark, TableSpec.adult(List.of(ADULT.toString())), rule, settings)
        .collect();
    DataPreparation.Result csv = TableIngest.run(spark, adult("index"), rule, settings).collect();
    for (String s : List.of("train", "val")) {
      assertArrayEquals(csv.split(s).ids(), preset.split(s).ids(), s);
      assertArrayEquals(csv.split(s).labels(), preset.split(s).labels(), s);
      for (int i = 0; i < csv.split(s).size(); i++) {
        assertArrayEquals(csv.split(s).features()[i].toArray(), preset.split(s).features()[i].toArray(), 0.0, s + " " + i);
      }
    }
    assertEquals(List.of("age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation",
        "relationship", "race", "sex", "capital-gain", "capital-loss", "hours-per-week", "native-country"),
        preset.metadata().get("feature_names"));
  }

  @Test
  void adultsTestFileHeaderLineAndLabelPeriodsAreHandled() throws IOException {
    Path test = dir.resolve("adult.test");
    Files.writeString(test, """
        |1x3 Cross validator
        25, Private, 226802, 11th, 7, Never-married, Machine-op-inspct, Own-child, Black, Male, 0, 0, 40, United-States, <=50K.
        38, Private, 89814, HS-grad, 9, Married-civ-spouse, Farming-fishing, Husband, White, Male, 0, 0, 50, United-States, >50K.
        18, ?, 103497, Some-college, 10, Never-married, ?, Own-child, White, Female, 0, 0, 30, United-States, <=50K.
        """);
    IngestedTable t = TableIngest.run(spark, TableSpec.adult(List.of(test.toString())), SplitRule.none(),
        new TableIngest.Settings("none", 0, 0, 1));
    PreparedSplit rows = t.collect().split("train");
    assertArrayEquals(new double[] {0, 1}, rows.labels());
    assertEquals(2, t.classes());
    assertEquals(1L, ((Map<?, ?>) t.metadata().get("dropped")).values().stream()
        .mapToLong(v -> ((Number) v).longValue()).sum());
  }

  @Test
  void mllibScalerStatisticsEqualTheInMemoryScalers() throws IOException {
    SplitSizes sizes = new SplitSizes(0.6, 0.4, 0);
    for (String kind : List.of("standard", "minmax", "standard-global")) {
      DataPreparation.Result old = DataPreparation.run(new DataSpec("adult", List.of(ADULT), null, ',', 0, "sklearn",
          kind, sizes, 1, 0, 0));
      IngestedTable table = TableIngest.run(spark, adult("index"), new SplitRule("permutation", sizes, 1, null),
          new TableIngest.Settings(kind, 0, 0, 2));
      Map<?, ?> a = (Map<?, ?>) old.metadata().get("scaler");
      Map<?, ?> b = (Map<?, ?>) table.metadata().get("scaler");
      for (String field : List.of("shift", "scale")) {
        double[] x = (double[]) a.get(field);
        double[] y = (double[]) b.get(field);
        for (int j = 0; j < x.length; j++) {
          // two-pass sums against MLlib's merged moments: agreement to rounding of ~2·10⁴ terms
          assertEquals(x[j], y[j], 1e-12 * Math.max(1, Math.abs(x[j])), kind + " " + field + "[" + j + "]");
        }
      }
      table.release();
    }
  }

  /** A table of n rows with an id, two numeric features and a label, written as {@code files} Parquet files. */
  private Path table(int n, int files) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(org.apache.spark.sql.RowFactory.create((long) (1000 + 7 * i), Math.sin(i), (double) (i % 13), i % 3 == 0 ? 1.0 : 0.0));
    }
    Dataset<Row> df = spark.createDataFrame(rows, new org.apache.spark.sql.types.StructType()
        .add("row_id", "long").add("x1", "double").add("x2", "double").add("y", "double"));
    Path out = dir.resolve("t" + n + "-" + files);
    df.repartition(files).write().parquet(out.toString());
    return out;
  }

  private static TableSpec parquet(Path path, String id) {
    return new TableSpec("parquet", List.of(path.toString()), null, "y", List.of("x1", "x2"), List.of(), List.of(),
        "onehot", id, null, Map.of(), null, "fail");
  }

  /** id → split name, over every split of the table. */
  private static Map<Long, String> membership(IngestedTable t) {
    Map<Long, String> m = new HashMap<>();
    DataPreparation.Result r = t.collect();
    for (PreparedSplit s : r.splits()) {
      for (long id : s.ids()) {
        m.put(id, s.name());
      }
    }
    return m;
  }

  @Test
  void hashSplitPutsEachRowInTheSameSplitHoweverTheTableIsPartitioned() {
    SplitRule rule = new SplitRule("hash", new SplitSizes(0.6, 0.3, 0.1), 42, null);
    Path one = table(3000, 1);
    Path seven = table(3000, 7);
    for (String id : new String[] {"row_id", null}) {
      IngestedTable a = TableIngest.run(spark, parquet(one, id), rule, new TableIngest.Settings("none", 0, 0, 1));
      IngestedTable b = TableIngest.run(spark, parquet(seven, id), rule, new TableIngest.Settings("none", 0, 0, 3));
      if (id != null) {
        assertEquals(membership(a), membership(b));
      } else {
        // no id column: rows are keyed by their values, so each split holds the same rows (as value sets)
        for (String s : List.of("train", "val", "test")) {
          assertEquals(valueSet(a.collect().split(s)), valueSet(b.collect().split(s)), s);
        }
      }
      Map<?, ?> counts = (Map<?, ?>) a.metadata().get("counts");
      int train = ((Number) counts.get("train")).intValue();
      // 3000 Bernoulli(0.6) draws: 6 standard deviations is ±161
      assertTrue(Math.abs(train - 1800) < 161, "train count " + train);
      a.release();
      b.release();
    }
  }

  private static java.util.Set<String> valueSet(PreparedSplit s) {
    java.util.Set<String> out = new java.util.HashSet<>();
    for (int i = 0; i < s.size(); i++) {
      out.add(s.labels()[i] + ":" + java.util.Arrays.toString(s.features()[i].toArray()));
    }
    return out;
  }

  @Test
  void rowsAreNumberedInReadingOrderWhetherPartitionsAreKeptOrSpread() {
    Path seven = table(1000, 7);
    List<Row> read = spark.read().parquet(seven.toString()).select("row_id").collectAsList();
    long[] order = read.stream().mapToLong(r -> r.getLong(0)).toArray();
    int source = spark.read().parquet(seven.toString()).javaRDD().getNumPartitions();
    SplitRule all = SplitRule.none();
    for (int partitions : new int[] {1, 3, 7, 12}) {
      IngestedTable t = TableIngest.run(spark, parquet(seven, "row_id"), all, new TableIngest.Settings("none", 0, 0,
          partitions));
      List<RowPartition> parts = t.split("train").collect();
      // fewer source partitions than asked for: spread to that many by a shuffle; as many or more:
      // Spark's own partitioning kept, each source partition's block numbered in place
      assertEquals(source >= partitions ? source : partitions, parts.size());
      int next = 0;
      for (RowPartition p : parts) {
        assertEquals(next, p.start(), "partitions " + partitions + ": contiguous ranges");
        for (int i = 0; i < p.size(); i++) {
          assertEquals(order[next + i], p.id(i), "row " + (next + i) + " with " + partitions + " partitions");
        }
        next += p.size();
      }
      assertEquals(1000, next);
      t.release();
    }
  }

  private Path csv(String content) throws IOException {
    Path f = dir.resolve("bad.csv");
    Files.writeString(f, content);
    return f;
  }

  @Test
  void aBadRowStopsTheJobNamingFileRecordAndFieldOrIsDroppedAndCounted() throws IOException {
    Path f = csv("a,b,color,y\n1,2,red,0\n3,,blue,1\n5,6,red,1\n7,NaN,red,0\n9,10,,1\n11,12,blue,x\n13,14,blue,0\n");
    TableSpec failing = new TableSpec("csv", List.of(f.toString()), null, "y", List.of(), List.of(), List.of("color"),
        "onehot", null, null, Map.of(), "a DOUBLE, b DOUBLE, color STRING, y DOUBLE", "fail");
    DataFormatException e = assertThrows(DataFormatException.class, () -> TableIngest.run(spark, failing,
        SplitRule.none(), new TableIngest.Settings("none", 0, 0, 1)));
    assertTrue(e.getMessage().contains("bad.csv") && e.getMessage().contains("record 2")
        && e.getMessage().contains("b: missing"), e.getMessage());

    TableSpec dropping = new TableSpec("csv", List.of(f.toString()), null, "y", List.of(), List.of(), List.of("color"),
        "onehot", null, null, Map.of(), "a DOUBLE, b DOUBLE, color STRING, y DOUBLE", "drop");
    IngestedTable t = TableIngest.run(spark, dropping, SplitRule.none(), new TableIngest.Settings("none", 0, 0, 1));
    Map<?, ?> dropped = (Map<?, ?>) t.metadata().get("dropped");
    assertEquals(Map.of("b: missing or unreadable", 1L, "b: not a finite number", 1L, "color: missing or unreadable", 1L,
        "y: missing or unreadable", 1L), dropped);
    PreparedSplit train = t.collect().split("train");
    assertEquals(3, train.size());
    assertEquals(List.of("a", "b", "color=blue", "color=red"), t.metadata().get("feature_names"));
    // color one-hot in sorted order (blue, red), none dropped
    assertArrayEquals(new double[] {1, 2, 0, 1}, train.features()[0].toArray());
    assertArrayEquals(new double[] {5, 6, 0, 1}, train.features()[1].toArray());
    assertArrayEquals(new double[] {13, 14, 1, 0}, train.features()[2].toArray());
    assertArrayEquals(new long[] {0, 1, 2}, train.ids(), "ids number the good rows in reading order");
    t.release();
  }

  @Test
  void aCatalogTableIsReadByNameAndASplitColumnDecides() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      rows.add(org.apache.spark.sql.RowFactory.create((double) i, (double) (i % 2), i % 4 == 0));
    }
    spark.createDataFrame(rows, new org.apache.spark.sql.types.StructType().add("x", "double").add("y", "double")
        .add("is_val", "boolean")).createOrReplaceTempView("people");
    TableSpec spec = new TableSpec("table", List.of(), "people", "y", List.of("x"), List.of(), List.of(), "onehot", null,
        null, Map.of(), null, "fail");
    IngestedTable t = TableIngest.run(spark, spec, new SplitRule("column", new SplitSizes(1, 0, 0), 0, "is_val"),
        new TableIngest.Settings("none", 0, 0, 2));
    DataPreparation.Result r = t.collect();
    assertEquals(30, r.split("train").size());
    assertEquals(10, r.split("val").size());
    for (Vector v : r.split("val").features()) {
      assertEquals(0, (int) v.apply(0) % 4, "validation rows are those with is_val = true");
    }
    assertThrows(IllegalArgumentException.class, () -> TableIngest.run(spark, new TableSpec("table", List.of(), "nobody",
        "y", List.of(), List.of(), List.of(), "onehot", null, null, Map.of(), null, "fail"), SplitRule.none(),
        new TableIngest.Settings("none", 0, 0, 1)));
    t.release();
  }

  @Test
  void scalersAreFittedOnTrainingRowsOnly() {
    Path one = table(2000, 2);
    SplitRule rule = new SplitRule("hash", new SplitSizes(0.5, 0.5, 0), 3, null);
    IngestedTable t = TableIngest.run(spark, parquet(one, "row_id"), rule, new TableIngest.Settings("standard", 0, 0, 2));
    PreparedSplit train = t.collect().split("train");
    Vector[] raw = new Vector[train.size()];
    Map<Long, Vector> byId = new HashMap<>();
    for (Row r : spark.read().parquet(one.toString()).collectAsList()) {
      byId.put(r.getLong(0), org.apache.spark.ml.linalg.Vectors.dense(r.getDouble(1), r.getDouble(2)));
    }
    for (int i = 0; i < raw.length; i++) {
      raw[i] = byId.get(train.ids()[i]);
    }
    Scaler expected = Scaler.fit("standard", raw, 2);
    Map<?, ?> got = (Map<?, ?>) t.metadata().get("scaler");
    assertArrayEquals(expected.shift(), (double[]) got.get("shift"), 1e-12);
    assertArrayEquals(expected.scale(), (double[]) got.get("scale"), 1e-12);
    t.release();
  }

  @Test
  void splitsReadFromTablesOfTheirOwnKeepTheirRowsInOrderAndScaleByTrainingRowsOnly() {
    Path train = table(300, 2);
    // validation and test rows with a ten times wider second feature: a scaler fitted on them too
    // would leave the training rows short of 1
    Path val = dir.resolve("val");
    Path test = dir.resolve("test");
    Dataset<Row> wide = spark.read().parquet(table(200, 1).toString()).withColumn("x2", functions.col("x2").multiply(10));
    wide.limit(120).write().parquet(val.toString());
    wide.filter(functions.col("row_id").geq(1000 + 7 * 120)).write().parquet(test.toString());
    TableSpec spec = parquet(train, "row_id");
    Dataset<Row> all = TableReader.readSplits(spark, spec, List.of(val.toString()), List.of(test.toString()));
    IngestedTable t = TableIngest.run(spark, all, spec, new SplitRule("column", new SplitSizes(1, 0, 0), 0,
        TableReader.SOURCE_SPLIT), new TableIngest.Settings("minmax", 0, 0, 2));
    DataPreparation.Result r = t.collect();
    Map<String, Path> sources = Map.of("train", train, "val", val, "test", test);
    for (Map.Entry<String, Path> e : sources.entrySet()) {
      long[] expected = spark.read().parquet(e.getValue().toString()).select("row_id").collectAsList().stream()
          .mapToLong(row -> row.getLong(0)).toArray();
      assertArrayEquals(expected, r.split(e.getKey()).ids(), e.getKey() + ": its table's rows, in reading order");
    }
    // min-max from the training table alone: its features span [0, 1] exactly, the others need not
    for (int j = 0; j < 2; j++) {
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (Vector v : r.split("train").features()) {
        lo = Math.min(lo, v.apply(j));
        hi = Math.max(hi, v.apply(j));
      }
      assertEquals(0.0, lo, 0.0);
      assertEquals(1.0, hi, 1e-15);
    }
    t.release();
    Path other = dir.resolve("other");
    wide.drop("x1").write().parquet(other.toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TableReader.readSplits(spark, spec,
        List.of(other.toString()), List.of()));
    assertTrue(e.getMessage().contains("columns"), e.getMessage());
  }

  @Test
  void orcJsonAndLibsvmTablesGiveTheParquetTablesRows() {
    Path parquet = table(400, 2);
    Dataset<Row> df = spark.read().parquet(parquet.toString());
    SplitRule rule = new SplitRule("hash", new SplitSizes(0.7, 0.3, 0), 9, null);
    TableIngest.Settings settings = new TableIngest.Settings("none", 0, 0, 1);
    DataPreparation.Result expected = TableIngest.run(spark, parquet(parquet, "row_id"), rule, settings).collect();
    for (String format : List.of("orc", "json")) {
      Path out = dir.resolve(format);
      df.write().format(format).save(out.toString());
      TableSpec spec = new TableSpec(format, List.of(out.toString()), null, "y", List.of("x1", "x2"), List.of(),
          List.of(), "onehot", "row_id", null, Map.of(), null, "fail");
      DataPreparation.Result got = TableIngest.run(spark, spec, rule, settings).collect();
      for (String s : List.of("train", "val")) {
        assertEquals(idToRow(expected.split(s)), idToRow(got.split(s)), format + " " + s);
      }
    }
    // MLlib's LIBSVM source: (label, features vector) without ids, so rows go by their values
    Path libsvm = dir.resolve("libsvm");
    new org.apache.spark.ml.feature.VectorAssembler().setInputCols(new String[] {"x1", "x2"}).setOutputCol("features")
        .transform(df).withColumnRenamed("y", "label").select("label", "features").write().format("libsvm")
        .save(libsvm.toString());
    TableSpec spec = new TableSpec("libsvm", List.of(libsvm.toString()), null, "label", List.of(), List.of(), List.of(),
        "onehot", null, null, Map.of("numFeatures", "2"), null, "fail");
    IngestedTable t = TableIngest.run(spark, spec, SplitRule.none(), settings);
    assertEquals(400, t.collect().split("train").size());
    assertEquals(2, t.featureCount());
    assertEquals(valueSet(TableIngest.run(spark, parquet(parquet, null), SplitRule.none(), settings).collect()
        .split("train")), valueSet(t.collect().split("train")));
  }

  private static Map<Long, String> idToRow(PreparedSplit s) {
    Map<Long, String> m = new HashMap<>();
    for (int i = 0; i < s.size(); i++) {
      m.put(s.ids()[i], s.labels()[i] + ":" + java.util.Arrays.toString(s.features()[i].toArray()));
    }
    return m;
  }

  private static final Path SHARED = Path.of("../../shared/data");

  /** The same split of the same rows, prepared in memory and on the executors, field by field. */
  private static void assertSameRows(DataPreparation.Result old, DataPreparation.Result now) {
    assertEquals(old.featureCount(), now.featureCount());
    assertEquals(old.classes(), now.classes());
    for (PreparedSplit a : old.splits()) {
      PreparedSplit b = now.split(a.name());
      assertArrayEquals(a.ids(), b.ids(), a.name());
      assertArrayEquals(a.labels(), b.labels(), a.name());
      for (int i = 0; i < a.size(); i++) {
        assertArrayEquals(a.features()[i].toArray(), b.features()[i].toArray(), 0.0, a.name() + " row " + i);
      }
    }
  }

  @Test
  void californiaReadBySparkGivesTheInMemoryRowsBitForBit() throws IOException {
    Path file = SHARED.resolve("california_housing/cal_housing.data.gz");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(file), "../shared/data not present");
    SplitSizes sizes = new SplitSizes(5000, 5000, 0.1);
    for (String features : List.of("sklearn", "raw")) {
      DataPreparation.Result old = DataPreparation.run(new DataSpec("california", List.of(file), null, ',', 0, features,
          "standard", sizes, 3, 0, 0));
      TableSpec spec = TableSpec.california(List.of(file.toString()), features.equals("raw")
          ? io.hypergrad.prep.CaliforniaReader.COLUMNS.subList(0, 8) : List.of());
      IngestedTable table = TableIngest.run(spark, spec, new SplitRule("permutation", sizes, 3, null),
          new TableIngest.Settings("standard", 0, 0, 2));
      DataPreparation.Result now = table.collect();
      assertEquals(20640, ((Number) now.metadata().get("rows_read")).intValue());
      assertEquals(old.metadata().get("feature_names"), now.metadata().get("feature_names"));
      // the scaler: MLlib's StandardScaler against the two-pass one, so to 1e-12, not bit for bit
      for (PreparedSplit a : old.splits()) {
        PreparedSplit b = now.split(a.name());
        assertArrayEquals(a.ids(), b.ids(), features + " " + a.name());
        assertArrayEquals(a.labels(), b.labels(), features + " " + a.name());
        for (int i = 0; i < a.size(); i++) {
          assertArrayEquals(a.features()[i].toArray(), b.features()[i].toArray(), 1e-12, features + " row " + i);
        }
      }
      table.release();
      // unscaled, the rows are the reader's bit for bit
      DataPreparation.Result raw = DataPreparation.run(new DataSpec("california", List.of(file), null, ',', 0, features,
          "none", sizes, 3, 0, 0));
      IngestedTable unscaled = TableIngest.run(spark, spec, new SplitRule("permutation", sizes, 3, null),
          new TableIngest.Settings("none", 0, 0, 2));
      assertSameRows(raw, unscaled.collect());
      unscaled.release();
    }
  }

  @Test
  void californiaNamesARowWhoseHouseholdsCannotDivide() throws IOException {
    Path f = dir.resolve("cal.data");
    Files.writeString(f, "-122.23,37.88,41.0,880.0,129.0,322.0,126.0,8.3252,452600.0\n"
        + "-122.22,37.86,21.0,7099.0,1106.0,2401.0,0.0,8.3014,358500.0\n");
    DataFormatException e = assertThrows(DataFormatException.class, () -> TableIngest.run(spark,
        TableSpec.california(List.of(f.toString()), List.of()), SplitRule.none(), new TableIngest.Settings("none", 0, 0, 1)));
    assertTrue(e.getMessage().contains("record 2") && e.getMessage().contains("households: must be > 0"), e.getMessage());
  }

  @Test
  void idxReadOnTheExecutorsGivesTheInMemoryRowsBitForBit() throws IOException {
    Path images = SHARED.resolve("fashion_mnist/t10k-images-idx3-ubyte.gz");
    Path labels = SHARED.resolve("fashion_mnist/t10k-labels-idx1-ubyte.gz");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(images), "../shared/data not present");
    SplitSizes sizes = new SplitSizes(2000, 1000, 0);
    DataPreparation.Result old = DataPreparation.run(new DataSpec("idx", List.of(images, labels), null, ',', 0, "sklearn",
        "none", sizes, 5, 0, 0));
    // gzip: one task reads the pair; uncompressed: row ranges read by tasks that seek
    Path rawImages = dir.resolve("images.idx");
    Path rawLabels = dir.resolve("labels.idx");
    try (java.io.InputStream in = io.hypergrad.prep.InputFiles.open(images)) {
      Files.copy(in, rawImages);
    }
    try (java.io.InputStream in = io.hypergrad.prep.InputFiles.open(labels)) {
      Files.copy(in, rawLabels);
    }
    for (List<Path> pair : List.of(List.of(images, labels), List.of(rawImages, rawLabels))) {
      IngestedTable t = TableIngest.run(spark, TableSpec.idx(List.of(pair.get(0).toString(), pair.get(1).toString())),
          new SplitRule("permutation", sizes, 5, null), new TableIngest.Settings("none", 0, 0, 2));
      assertEquals(pair.get(0).toString().endsWith(".gz") ? 1 : 2, ((Number) t.metadata().get("source_partitions")).intValue());
      assertSameRows(old, t.collect());
      t.release();
    }
    // a file shorter than its header says is refused before any task runs, naming the file and field
    Path cut = dir.resolve("cut.idx");
    Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(rawImages), 16 + 784 * 10 + 5));
    DataFormatException e = assertThrows(DataFormatException.class, () -> TableIngest.run(spark,
        TableSpec.idx(List.of(cut.toString(), rawLabels.toString())), SplitRule.none(),
        new TableIngest.Settings("none", 0, 0, 1)));
    assertTrue(e.getMessage().startsWith(cut + ":0: field pixels: the header says 10000 records"), e.getMessage());
  }

  @Test
  void aByteOrderMarkIsNotPartOfTheFirstColumnsName() throws IOException {
    Path f = dir.resolve("bom.csv");
    Files.writeString(f, "\uFEFFx1,x2,y\n1,2,0\n3,4,1\n");
    TableSpec spec = new TableSpec("csv", List.of(f.toString()), null, "y", List.of("x1", "x2"), List.of(), List.of(),
        "onehot", null, null, Map.of(), null, "fail");
    IngestedTable t = TableIngest.run(spark, spec, SplitRule.none(), new TableIngest.Settings("none", 0, 0, 1));
    assertEquals(List.of("x1", "x2"), t.metadata().get("feature_names"));
    t.release();
  }
}
