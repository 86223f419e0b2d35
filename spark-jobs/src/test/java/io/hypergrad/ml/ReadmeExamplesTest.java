package io.hypergrad.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.spark.SparkSessions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.IMain;
import scala.tools.nsc.interpreter.Results;
import scala.tools.nsc.interpreter.shell.ReplReporterImpl;

/**
 * The README's two stage examples, run as they stand there: the Java block is this class's {@link
 * #javaExample} (the test checks the two are the same text), the Scala block is read from the README
 * and run through the Scala compiler's interpreter with {@code spark} bound, as spark-shell would.
 * Both use paths from the project root; the tests run in {@code spark-jobs/}, so {@code data} and
 * {@code out} are linked there for the run.
 */
class ReadmeExamplesTest {
  static final Path README = Path.of("../README.md");
  static final List<Path> LINKS = new ArrayList<>();

  @BeforeAll
  static void projectRootPaths() throws IOException {
    for (String name : List.of("data", "out")) {
      Path link = Path.of(name);
      Path target = Path.of("..", name).toAbsolutePath().normalize();
      Files.createDirectories(target);
      if (!Files.exists(link)) {
        Files.createSymbolicLink(link, target);
        LINKS.add(link);
      }
    }
  }

  @AfterAll
  static void removeLinks() throws IOException {
    Path model = Path.of("..", "out", "adult-influence-model");
    if (Files.exists(model)) {
      try (Stream<Path> files = Files.walk(model)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    for (Path link : LINKS) {
      Files.delete(link);
    }
  }

  /** The README's ```lang block of the stages section, its lines as written. */
  static List<String> readmeBlock(String lang) throws IOException {
    List<String> lines = Files.readAllLines(README);
    int section = lines.indexOf("## In a Spark application: MLlib stages");
    int start = -1;
    for (int i = section; i < lines.size(); i++) {
      if (lines.get(i).equals("```" + lang)) {
        start = i + 1;
        break;
      }
    }
    assertTrue(section >= 0 && start > 0, "README has a " + lang + " block under its stages section");
    List<String> block = new ArrayList<>();
    for (int i = start; !lines.get(i).equals("```"); i++) {
      block.add(lines.get(i));
    }
    return block;
  }

  static PipelineModel javaExample(SparkSession spark) throws IOException {
    // README java begin
    String schema = "age DOUBLE, workclass STRING, fnlwgt DOUBLE, education STRING, education_num DOUBLE, "
        + "marital_status STRING, occupation STRING, relationship STRING, race STRING, sex STRING, "
        + "capital_gain DOUBLE, capital_loss DOUBLE, hours_per_week DOUBLE, native_country STRING, income STRING";
    Dataset<Row> adult = spark.read().schema(schema).option("ignoreLeadingWhiteSpace", "true").option("nullValue", "?")
        .csv("data/adult/adult.data.gz").na().drop().withColumn("id", functions.monotonically_increasing_id())
        .withColumn("is_val", functions.rand(0).lt(0.2));
    String[] categorical = {"workclass", "education", "marital_status", "occupation", "relationship", "race", "sex",
        "native_country"};
    String[] indexed = Arrays.stream(categorical).map(c -> c + "_index").toArray(String[]::new);
    String[] numeric = {"age", "fnlwgt", "education_num", "capital_gain", "capital_loss", "hours_per_week"};
    PipelineModel model = new Pipeline().setStages(new PipelineStage[] {
        new StringIndexer().setInputCols(categorical).setOutputCols(indexed),
        new StringIndexer().setInputCol("income").setOutputCol("label"),
        new VectorAssembler().setInputCols(Stream.concat(Arrays.stream(numeric), Arrays.stream(indexed))
            .toArray(String[]::new)).setOutputCol("raw"),
        new StandardScaler().setInputCol("raw").setOutputCol("features"),
        new InfluenceFunction().setValidationIndicatorCol("is_val").setRegParam(0.01).setMethod("cg")}).fit(adult);
    Dataset<Row> harmful = model.transform(adult).filter("NOT is_val").orderBy(functions.desc("influence"));
    harmful.select("id", "income", "influence", "loss").show(5);  // the five training rows that hurt the most
    model.write().overwrite().save("out/adult-influence-model");   // PipelineModel.load reads it back
    // README java end
    return model;
  }

  @Test
  void theJavaExampleIsTheReadmesAndRuns() throws IOException {
    List<String> source = Files.readAllLines(Path.of("src/test/java/io/hypergrad/ml/ReadmeExamplesTest.java"));
    List<String> example = source.subList(source.indexOf("    // README java begin") + 1,
        source.indexOf("    // README java end")).stream().map(l -> l.length() >= 4 ? l.substring(4) : l).toList();
    assertEquals(readmeBlock("java"), example, "the README's Java example is this test's");
    PipelineModel model = javaExample(SparkSessions.get());
    InfluenceFunctionModel influence = (InfluenceFunctionModel) model.stages()[4];
    assertTrue(influence.residual() < 1e-6, "cg solved s: residual " + influence.residual());
    PipelineModel loaded = PipelineModel.load("out/adult-influence-model");
    assertEquals(influence.intercept(), ((InfluenceFunctionModel) loaded.stages()[4]).intercept());
  }

  @Test
  void theScalaExampleRunsInTheInterpreterAsInSparkShell() throws IOException {
    SparkSession spark = SparkSessions.get();
    Settings settings = new Settings();
    settings.embeddedDefaults(getClass().getClassLoader());
    settings.classpath().value_$eq(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    StringWriter out = new StringWriter();
    IMain repl = new IMain(settings, new ReplReporterImpl(settings, new PrintWriter(out)));
    try {
      assertEquals(Results.Success$.MODULE$, repl.bind("spark", "org.apache.spark.sql.SparkSession", spark,
          scala.collection.immutable.List$.MODULE$.empty()), out.toString());
      Results.Result result = repl.interpret(String.join("\n", readmeBlock("scala")));
      assertEquals(Results.Success$.MODULE$, result, out.toString());
      Object model = repl.valueOfTerm("model").get();
      TunedGlmModel tuned = (TunedGlmModel) model;
      List<Row> history = tuned.history().select("val_loss").collectAsList();
      assertEquals(21, history.size());
      // tuning lowers the validation loss it is run on
      assertTrue(history.get(20).getDouble(0) < history.get(0).getDouble(0), history.toString());
    } finally {
      repl.close();
    }
  }
}
