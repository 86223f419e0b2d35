package io.hypergrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HypergradCliTest {
  @TempDir
  Path dir;

  private static final String SMALL = """
      task = synthetic
      problem { size = 6, n_parent = 20, epsilon = 0.01, seed = 1 }
      seeds = 3
      iterations = 200
      estimators = [
        { method = neumann }
        { method = mixed-fp-km, alpha = 0.8, schedule = linear, eta0 = 10, t0 = 100 }
        { method = exact }
      ]
      """;

  /** Runs the CLI, returning exit code and stderr. */
  private Result cli(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    PrintStream oldErr = System.err;
    PrintStream oldOut = System.out;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
      int code = Hypergrad.execute(args);
      return new Result(code, err.toString(StandardCharsets.UTF_8), outBytes.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(oldErr);
      System.setOut(oldOut);
    }
  }

  private record Result(int code, String err, String out) {}

  private Path conf(String text) throws Exception {
    Path f = dir.resolve("small.conf");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void runsWithOverridesAndWritesEverything() throws Exception {
    Path out = dir.resolve("run");
    Result r = cli("estimate", "--conf", conf(SMALL).toString(), "--set", "iterations=50", "--set", "seeds=2", "--out",
        out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("chains 4/4"), "progress is printed: " + r.out());
    JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals(50, s.get("iterations").asInt());
    assertEquals(2, s.get("seeds").asInt());
    for (String f : new String[] {"summary.json", "errors.csv", "errors.png", "hypergradient.json"}) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }
    // no staging directory is left beside the output
    try (Stream<Path> s2 = Files.list(dir)) {
      assertEquals(0, s2.filter(p -> p.getFileName().toString().contains("staging")).count());
    }
  }

  @Test
  void refusesANonEmptyOutputUnlessOverwrite() throws Exception {
    Path out = dir.resolve("taken");
    Files.createDirectories(out);
    Files.writeString(out.resolve("keep.txt"), "precious");
    Result r = cli("estimate", "--conf", conf(SMALL).toString(), "--out", out.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("--overwrite"), r.err());
    assertEquals("precious", Files.readString(out.resolve("keep.txt")));
    Result again = cli("estimate", "--conf", conf(SMALL).toString(), "--out", out.toString(), "--overwrite");
    assertEquals(0, again.code(), again.err());
    assertFalse(Files.exists(out.resolve("keep.txt")));
    assertTrue(Files.exists(out.resolve("summary.json")));
  }

  @Test
  void unknownKeysAndBadValuesFailWithTheirPlace() throws Exception {
    Result typo = cli("estimate", "--conf", conf(SMALL + "iteratons = 5\n").toString(), "--out", dir.resolve("a").toString());
    assertEquals(1, typo.code());
    assertTrue(typo.err().contains("unknown config key 'iteratons'") && typo.err().contains("small.conf: 10"), typo.err());
    Result alpha = cli("estimate", "--conf", conf(SMALL).toString(), "--set", "alpha=1.5", "--out", dir.resolve("b").toString());
    assertEquals(1, alpha.code());
    assertTrue(alpha.err().contains("alpha must lie in [0, 1]"), alpha.err());
    Result lr = cli("estimate", "--conf", conf(SMALL).toString(), "--set", "eta0=500", "--out", dir.resolve("c").toString());
    assertEquals(1, lr.code());
    assertTrue(lr.err().contains("(0, 1]"), lr.err());
    Result fraction = cli("estimate", "--conf", conf(SMALL).toString(), "--set", "iterations=10.5", "--out",
        dir.resolve("d").toString());
    assertEquals(1, fraction.code());
    assertTrue(fraction.err().contains("iterations must be a whole number, got 10.5"), fraction.err());
    assertFalse(Files.exists(dir.resolve("a")) || Files.exists(dir.resolve("b")) || Files.exists(dir.resolve("c"))
        || Files.exists(dir.resolve("d")));
  }

  @Test
  void divergenceStopsWithTheSafeScaleAndWritesNothing() throws Exception {
    Path out = dir.resolve("diverged");
    Result r = cli("estimate", "--conf", conf(SMALL).toString(), "--set", "scale=40", "--out", out.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("diverged") && r.err().contains("scale must stay below"), r.err());
    assertFalse(Files.exists(out));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(0, s.filter(p -> p.getFileName().toString().contains("staging")).count());
    }
  }

  @Test
  void usageErrorsExitWithTwo() throws Exception {
    assertEquals(2, cli("estimate", "--out", dir.resolve("x").toString()).code());
    assertEquals(2, cli("frobnicate").code());
    Result noValue = cli("estimate", "--conf", conf(SMALL).toString(), "--set", "iterations", "--out",
        dir.resolve("y").toString());
    assertEquals(2, noValue.code());
    assertTrue(noValue.err().contains("expected KEY=VALUE, got 'iterations'"), noValue.err());
  }

  @Test
  void badDataFailsWithFileLineAndFieldAndExitCodeOne() throws Exception {
    Path bad = dir.resolve("rows.csv");
    Files.writeString(bad, "x,y\n1,0\n2,one\n");
    Path c = conf("data { format = csv, paths = [\"" + bad.toString().replace("\\", "/") + "\"], label_column = y, "
        + "split { train = 1, val = 1 } }\n");
    Path out = dir.resolve("prepared");
    Result r = cli("prepare", "--conf", c.toString(), "--out", out.toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("rows.csv:3: field y: expected a finite number, found 'one'"), r.err());
    assertFalse(Files.exists(out));
    // the same file through estimate (task = glm) fails the same way
    Path e = conf("task = glm\ndata { format = csv, paths = [\"" + bad.toString().replace("\\", "/")
        + "\"], label_column = y, split { train = 1, val = 1 } }\nestimators = [{ method = exact }]\n");
    r = cli("estimate", "--conf", e.toString(), "--out", dir.resolve("est").toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("rows.csv:3: field y"), r.err());
    // an unknown data key is named with its file and line
    Path k = conf("data { format = csv, paths = [\"x\"], labl = y }\n");
    r = cli("prepare", "--conf", k.toString(), "--out", dir.resolve("k").toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("data.labl"), r.err());
  }
}
