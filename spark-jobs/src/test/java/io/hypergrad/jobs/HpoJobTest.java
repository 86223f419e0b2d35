package io.hypergrad.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hpo job on a small Adult problem: a run killed after an outer step and resumed by the same
 * command ends bit for bit where an uninterrupted run ends; damaged and foreign checkpoints are
 * refused; the distributed plan on one partition reproduces the driver plan; the outer loop lowers
 * the validation loss.
 */
class HpoJobTest {
  static final File CONF = new File("../conf/hpo-adult.conf");
  static final List<String> SMALL = List.of("data.paths=[\"../data/adult/adult.data.gz\"]", "data.split.train=600",
      "data.split.val=600", "data.split.test=600", "outer.steps=8", "inner.steps=30", "depth=40", "baseline.enabled=false");

  @TempDir
  static Path dir;
  static Path whole;

  @BeforeAll
  static void uninterrupted() throws Exception {
    whole = run("whole", List.of(), -1);
  }

  static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }

  static Path run(String name, List<String> extra, int failAfter) throws IOException {
    return runSmall(dir.resolve(name), List.of(extra), failAfter);
  }

  /**
   * The small Adult hpo run ({@link #SMALL}, then each list of --set options in turn) into {@code
   * out}; {@code failAfter} ≥ 0 crashes it after that step's checkpoint.
   */
  static Path runSmall(Path out, List<List<String>> extras, int failAfter) throws IOException {
    List<String> sets = new ArrayList<>(SMALL);
    extras.forEach(sets::addAll);
    return Path.of(HpoJob.run(new RunOptions(CONF, sets, out, false), quiet(), failAfter));
  }

  static double[] lambda(Path out) throws IOException {
    JsonNode l = new ObjectMapper().readTree(out.resolve("lambda.json").toFile()).get("lambda");
    double[] v = new double[l.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = l.get(i).asDouble();
    }
    return v;
  }

  /** history.csv without its wall-clock column. */
  static List<String> historyWithoutSeconds(Path out) throws IOException {
    List<String> rows = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve("history.csv"))) {
      rows.add(line.substring(0, line.lastIndexOf(',')));
    }
    return rows;
  }

  static Path newestStep(Path out) throws IOException {
    try (Stream<Path> s = Files.list(out.resolve("checkpoint"))) {
      return s.filter(f -> f.getFileName().toString().matches("step-\\d+\\.json")).sorted().reduce((a, b) -> b).orElseThrow();
    }
  }

  @Test
  void aResumedRunEndsBitForBitWhereAnUninterruptedOneEnds() throws Exception {
    IllegalStateException crash = assertThrows(IllegalStateException.class, () -> run("resumed", List.of(), 3));
    assertTrue(crash.getMessage().contains("after outer step 3"));
    assertFalse(Files.exists(dir.resolve("resumed").resolve("summary.json")), "a crashed run must not look finished");
    assertEquals("step-000003.json", newestStep(dir.resolve("resumed")).getFileName().toString());
    Path resumed = run("resumed", List.of(), -1);
    double[] a = lambda(whole);
    double[] b = lambda(resumed);
    assertEquals(a.length, b.length);
    for (int j = 0; j < a.length; j++) {
      assertEquals(Double.doubleToLongBits(a[j]), Double.doubleToLongBits(b[j]), "λ[" + j + "]: " + a[j] + " vs " + b[j]);
    }
    assertEquals(historyWithoutSeconds(whole), historyWithoutSeconds(resumed));
  }

  /**
   * --out as a Hadoop URI (file:///…, the code path of hdfs://): the checkpoint inside it and the
   * results, file by file with summary.json last, through the FileSystem API; a crash leaves no
   * summary and the same command resumes bit for bit.
   */
  @Test
  void aUriOutHoldsCheckpointAndResultsAndResumesBitForBit() throws Exception {
    Path local = dir.resolve("on-uri");
    String uri = local.toUri().toString();
    List<String> sets = new ArrayList<>(SMALL);
    assertThrows(IllegalStateException.class, () -> HpoJob.run(new RunOptions(CONF, sets, uri, false), quiet(), 2));
    assertFalse(Files.exists(local.resolve("summary.json")), "a crashed run must not look finished");
    assertEquals("step-000002.json", newestStep(local).getFileName().toString());
    String wrote = HpoJob.run(new RunOptions(CONF, sets, uri, false), quiet(), -1);
    assertEquals(uri, wrote);
    assertArrayEquals(lambda(whole), lambda(local));
    assertEquals(historyWithoutSeconds(whole), historyWithoutSeconds(local));
    assertTrue(Files.isRegularFile(local.resolve("summary.json")) && Files.isRegularFile(local.resolve("loss.png")));
    try (Stream<Path> st = Files.list(local)) {
      assertEquals(List.of(), st.map(f -> f.getFileName().toString()).filter(f -> f.startsWith(".") && !f.endsWith(".crc"))
          .toList(), "no staged file left behind");
    }
  }

  @Test
  void aDamagedCheckpointIsRefused() throws Exception {
    assertThrows(IllegalStateException.class, () -> run("damaged", List.of(), 2));
    Path step = newestStep(dir.resolve("damaged"));
    String text = Files.readString(step);
    int at = text.indexOf("\"lambda\":[") + 10;
    // one digit of λ changed: still valid JSON, but not what was written
    char d = text.charAt(at + 2);
    Files.writeString(step, text.substring(0, at + 2) + (d == '1' ? '2' : '1') + text.substring(at + 3));
    // without the local file system's .crc beside it (as on a store that keeps none) the checkpoint's own sha256 catches it
    Files.deleteIfExists(step.resolveSibling("." + step.getFileName() + ".crc"));
    io.hypergrad.hpo.HpoCheckpoint.RefusedException e = assertThrows(io.hypergrad.hpo.HpoCheckpoint.RefusedException.class, () -> run("damaged", List.of(), -1));
    assertTrue(e.getMessage().contains("corrupt") && e.getMessage().contains(step.getFileName().toString()), e.getMessage());
    assertTrue(e.getMessage().contains("sha256"), e.getMessage());
    // truncated, as a crash in the middle of a non-atomic copy would leave it
    Files.writeString(step, text.substring(0, text.length() / 2));
    e = assertThrows(io.hypergrad.hpo.HpoCheckpoint.RefusedException.class, () -> run("damaged", List.of(), -1));
    assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
  }

  @Test
  void aCheckpointOfAnotherConfigurationIsRefused() throws Exception {
    assertThrows(IllegalStateException.class, () -> run("foreign", List.of(), 1));
    io.hypergrad.hpo.HpoCheckpoint.RefusedException e = assertThrows(io.hypergrad.hpo.HpoCheckpoint.RefusedException.class,
        () -> run("foreign", List.of("problem.rho=0.2"), -1));
    assertTrue(e.getMessage().contains("different configuration"), e.getMessage());
    // more outer steps do not change any step already taken: that resumes
    Path more = run("foreign", List.of("outer.steps=9"), -1);
    assertEquals(9, new ObjectMapper().readTree(more.resolve("summary.json").toFile()).get("outer_steps").asInt());
  }

  @Test
  void theOuterLoopLowersTheValidationLossAndReportsIt() throws Exception {
    JsonNode s = new ObjectMapper().readTree(whole.resolve("summary.json").toFile());
    assertEquals("mixed-fp-km", s.get("method").asText());
    assertEquals(8, s.get("outer_steps").asInt());
    for (String key : new String[] {"val_loss", "val_accuracy", "test_loss", "test_accuracy", "seconds"}) {
      assertTrue(s.get(key).isNumber(), key);
    }
    assertTrue(s.get("val_loss").asDouble() < s.get("initial").get("val_loss").asDouble() - 1e-3, s.toString());
    List<String> history = Files.readAllLines(whole.resolve("history.csv"));
    assertEquals(1 + 9, history.size());
    assertEquals(String.join(",", io.hypergrad.hpo.OuterLoop.HISTORY_COLUMNS), history.get(0));
    // history's last row carries the summary's numbers
    String[] last = history.get(9).split(",");
    assertEquals(s.get("val_loss").asDouble(), Double.parseDouble(last[3]), 0.0);
    assertTrue(Files.isRegularFile(whole.resolve("loss.png")) && Files.isRegularFile(whole.resolve("accuracy.png")));
  }

  @Test
  void theDistributedPlanOnOnePartitionReproducesTheDriverPlan() throws Exception {
    Path dist = run("distributed", List.of("plan=distributed", "partitions=1"), -1);
    assertArrayEquals(lambda(whole), lambda(dist), 0.0);
    assertEquals(historyWithoutSeconds(whole), historyWithoutSeconds(dist));
    Path three = run("distributed3", List.of("plan=distributed", "partitions=3"), -1);
    assertArrayEquals(lambda(whole), lambda(three), 1e-9);
  }

  @Test
  void aJointMethodResumesBitForBitAndLowersTheValidationLoss() throws Exception {
    for (String method : new String[] {"soba", "nsbo-sgd", "nhgd"}) {
      List<String> joint = List.of("method=" + method, "joint.step_size=0.5", "joint.outer_ratio=0.1", "joint.eval_every=50",
          "outer.steps=6", "batch=16");
      Path uninterrupted = run(method + "-whole", joint, -1);
      assertThrows(IllegalStateException.class, () -> run(method + "-resumed", joint, 2));
      Path resumed = run(method + "-resumed", joint, -1);
      assertArrayEquals(lambda(uninterrupted), lambda(resumed), 0.0, method);
      assertEquals(historyWithoutSeconds(uninterrupted), historyWithoutSeconds(resumed), method);
      JsonNode s = new ObjectMapper().readTree(uninterrupted.resolve("summary.json").toFile());
      assertEquals(method, s.get("method").asText());
      assertEquals(300, s.get("joint_iterations").asInt());
      assertTrue(s.get("val_loss").asDouble() < s.get("initial").get("val_loss").asDouble(), method + ": " + s);
    }
  }

  @Test
  void jointMethodsOnTheDistributedPlanReproduceTheDriverPlan() throws Exception {
    for (String method : new String[] {"soba", "nbo-gd", "nhgd"}) {
      assertDistributedReproducesDriver(method, List.of("method=" + method, "joint.step_size=0.5", "joint.outer_ratio=0.1",
          "joint.eval_every=20", "outer.steps=3", "batch=16"));
    }
  }

  @Test
  void anInstanceWeightedJointRunOnTheDistributedPlanReproducesTheDriverPlan() throws Exception {
    // one λ per training row: the window's gathered rows keep their split indices, so the per-row
    // weights and the minibatch B·z land where the driver plan puts them
    for (String method : new String[] {"soba", "nbo-gd"}) {
      assertDistributedReproducesDriver(method + "-cleaning", List.of("method=" + method,
          "problem.hyper_model=hyper-cleaning", "joint.step_size=0.5", "joint.outer_ratio=0.1", "joint.eval_every=20",
          "outer.steps=3", "batch=16"));
    }
  }

  /** Bit for bit on one partition, to 1e-9 on three. */
  private void assertDistributedReproducesDriver(String name, List<String> sets) throws Exception {
    Path driver = run(name + "-on-driver", sets, -1);
    List<String> one = new ArrayList<>(sets);
    one.addAll(List.of("plan=distributed", "partitions=1"));
    Path dist = run(name + "-on-one-partition", one, -1);
    assertArrayEquals(lambda(driver), lambda(dist), 0.0, name);
    assertEquals(historyWithoutSeconds(driver), historyWithoutSeconds(dist), name);
    List<String> three = new ArrayList<>(sets);
    three.addAll(List.of("plan=distributed", "partitions=3"));
    assertArrayEquals(lambda(driver), lambda(run(name + "-on-three", three, -1)), 1e-9, name);
  }

  @Test
  void anAbsurdOuterLrIsNamedAsTheCause() {
    io.hypergrad.estimator.DivergenceException e = assertThrows(
        io.hypergrad.estimator.DivergenceException.class, () -> run("absurd-lr", List.of("outer.lr=1e6"), -1));
    assertTrue(e.getMessage().startsWith("outer step 2:") && e.getMessage().contains("lower outer.lr"), e.getMessage());
  }

  @Test
  void aNonEmptyOutWithoutACheckpointIsRefused() throws Exception {
    Path out = dir.resolve("occupied");
    Files.createDirectories(out);
    Files.writeString(out.resolve("notes.txt"), "mine");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run("occupied", List.of(), -1));
    assertTrue(e.getMessage().contains("--overwrite"), e.getMessage());
    assertEquals("mine", Files.readString(out.resolve("notes.txt")));
  }

  @Test
  void anOverwriteThatFailsKeepsTheOldResultsAndOneThatEndsReplacesThem() throws Exception {
    Path out = dir.resolve("replaced");
    try (Stream<Path> files = Files.walk(whole)) {
      for (Path f : files.toList()) {
        Files.copy(f, out.resolve(whole.relativize(f).toString()));
      }
    }
    byte[] history = Files.readAllBytes(out.resolve("history.csv"));
    byte[] summary = Files.readAllBytes(out.resolve("summary.json"));
    byte[] lambda = Files.readAllBytes(out.resolve("lambda.json"));
    Path oldStep = newestStep(out);
    byte[] oldCheckpoint = Files.readAllBytes(oldStep);
    Files.writeString(out.resolve("stale.txt"), "from an old run");
    List<String> sets = new ArrayList<>(SMALL);
    sets.add("outer.lr=0.05");
    // a crash after the second outer step of the new run: the old results and checkpoint are untouched
    assertThrows(IllegalStateException.class, () -> HpoJob.run(new RunOptions(CONF, sets, out, true), quiet(), 2));
    assertArrayEquals(history, Files.readAllBytes(out.resolve("history.csv")));
    assertArrayEquals(summary, Files.readAllBytes(out.resolve("summary.json")));
    assertArrayEquals(lambda, Files.readAllBytes(out.resolve("lambda.json")));
    assertArrayEquals(oldCheckpoint, Files.readAllBytes(oldStep));
    assertTrue(Files.isDirectory(out.resolve("checkpoint.replacement")), "the new run's steps wait beside the old ones");
    // the same command without --overwrite goes on with the new run, and its end replaces the old results
    HpoJob.run(new RunOptions(CONF, sets, out, false), quiet(), -1);
    assertFalse(Files.exists(out.resolve("checkpoint.replacement")));
    assertFalse(Files.exists(out.resolve("stale.txt")), "an overwritten run's other files go");
    assertTrue(Files.exists(out.resolve("checkpoint")));
    Path fresh = run("replaced-fresh", List.of("outer.lr=0.05"), -1);
    assertEquals(historyWithoutSeconds(fresh), historyWithoutSeconds(out), "resumed bit for bit as an uninterrupted run");
    assertArrayEquals(lambda(fresh), lambda(out));
    assertFalse(java.util.Arrays.equals(lambda, Files.readAllBytes(out.resolve("lambda.json"))));
  }

  @Test
  void aSecondRunIntoALockedOutIsRefused() throws Exception {
    Path out = dir.resolve("locked");
    try (io.hypergrad.output.RunLock held = io.hypergrad.output.RunLock.onLocal(out, "test")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run("locked", List.of(), -1));
      assertTrue(e.getMessage().contains("being written by another run (process " + ProcessHandle.current().pid()),
          e.getMessage());
      assertFalse(Files.exists(out.resolve("history.csv")));
    }
    // released: the same run goes
    run("locked", List.of(), -1);
    assertTrue(Files.exists(out.resolve("summary.json")));
  }
}
