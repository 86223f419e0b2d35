package io.hypergrad.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hpo --set method=hpm|pbt|random-search} on Adult (per-feature L2, q = 14): the students run
 * as Spark tasks and give the numbers of the same students run one after another on the driver; a
 * run killed after a round resumes bit for bit; each history row is the round's best student.
 */
class PopulationHpoTest {
  static final List<String> POP = List.of("population.size=5", "population.ready_steps=2", "outer.steps=4");

  @TempDir
  static Path dir;

  static Path run(String name, List<String> extra, int failAfter) throws Exception {
    return HpoJobTest.runSmall(dir.resolve(name), List.of(POP, extra), failAfter);
  }

  static List<String[]> population(Path out) throws Exception {
    List<String[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve("population.csv")).subList(1, 1 + 4 * 5)) {
      rows.add(line.split(",", -1));
    }
    return rows;
  }

  @Test
  void hpmStudentsAsTasksEqualTheDriverRunAndResumeBitForBit() throws Exception {
    Path tasks = run("hpm", List.of("method=hpm"), -1);
    JsonNode s = new ObjectMapper().readTree(tasks.resolve("summary.json").toFile());
    assertEquals("hpm", s.get("method").asText());
    assertTrue(s.get("student_tasks").asBoolean());
    List<String> history = HpoJobTest.historyWithoutSeconds(tasks);
    assertEquals(1 + 1 + 4, history.size());
    assertTrue(Files.size(tasks.resolve("population.png")) > 10_000, "population.png drawn");
    List<String[]> pop = population(tasks);
    assertEquals(20, pop.size());
    for (int round = 1; round <= 4; round++) {
      // the history row is the best student of the round: its validation loss, evaluated again
      double min = Double.POSITIVE_INFINITY;
      int replaced = 0;
      for (String[] r : pop.subList((round - 1) * 5, round * 5)) {
        assertEquals(round, Integer.parseInt(r[0]));
        min = Math.min(min, Double.parseDouble(r[2]));
        replaced += Integer.parseInt(r[5]) >= 0 ? 1 : 0;
      }
      assertEquals(min, Double.parseDouble(history.get(1 + round).split(",")[3]), 0.0);
      assertEquals(1, replaced, "⌈0.2·5⌉ = 1 student replaced per round");
    }
    double first = Double.parseDouble(history.get(2).split(",")[3]);
    double last = Double.parseDouble(history.get(history.size() - 1).split(",")[3]);
    assertTrue(last < first, "the best validation loss fell: " + first + " → " + last);

    Path driver = run("hpm-driver", List.of("method=hpm", "population.tasks=false"), -1);
    assertArrayEquals(HpoJobTest.lambda(tasks), HpoJobTest.lambda(driver), 0.0);
    assertEquals(history, HpoJobTest.historyWithoutSeconds(driver));
    assertEquals(Files.readAllLines(tasks.resolve("population.csv")), Files.readAllLines(driver.resolve("population.csv")));

    assertThrows(IllegalStateException.class, () -> run("hpm-resumed", List.of("method=hpm"), 2));
    Path resumed = run("hpm-resumed", List.of("method=hpm"), -1);
    assertArrayEquals(HpoJobTest.lambda(tasks), HpoJobTest.lambda(resumed), 0.0);
    assertEquals(history, HpoJobTest.historyWithoutSeconds(resumed));
    assertEquals(Files.readAllLines(tasks.resolve("model.json")), Files.readAllLines(resumed.resolve("model.json")));
    assertEquals(Files.readAllLines(tasks.resolve("population.csv")), Files.readAllLines(resumed.resolve("population.csv")));
  }

  @Test
  void pbtAndRandomSearchRunTheSameBudget() throws Exception {
    Path pbt = run("pbt", List.of("method=pbt"), -1);
    Path search = run("search", List.of("method=random-search"), -1);
    long pbtSamples = new ObjectMapper().readTree(pbt.resolve("summary.json").toFile()).get("samples").asLong();
    long searchSamples = new ObjectMapper().readTree(search.resolve("summary.json").toFile()).get("samples").asLong();
    // per student and round, random search trains ready_steps inner phases; PBT as many, plus its
    // students' first inner phase and per step the hypergradient's validation and chain rows
    assertTrue(pbtSamples > searchSamples, pbtSamples + " vs " + searchSamples);
    for (String[] r : population(search)) {
      assertEquals("-1", r[5], "random search replaces nobody");
    }
    // random search never moves λ: the best is one of the draws from λ₀ + U(−1, 1)
    for (double l : HpoJobTest.lambda(search)) {
      assertTrue(l >= 0 && l <= 2, "λ = " + l);
    }
  }

  /** A student that diverges is a failed member, replaced; a round where all diverge ends the run with the reason. */
  @Test
  void aDivergedStudentIsReplacedAndAllDivergedIsAnError() throws Exception {
    Path out = run("diverging", List.of("method=pbt", "outer.lr=600"), -1);
    int diverged = 0;
    for (String[] r : population(out)) {
      if (r[2].equals("Infinity")) {
        diverged++;
      }
    }
    assertTrue(diverged > 0, "outer.lr = 600 makes some students diverge");
    for (int round = 1; round <= 4; round++) {
      List<String[]> rows = population(out).subList((round - 1) * 5, round * 5);
      long inf = rows.stream().filter(r -> r[2].equals("Infinity")).count();
      if (inf == 1) {
        assertTrue(rows.stream().anyMatch(r -> r[2].equals("Infinity") && Integer.parseInt(r[5]) >= 0),
            "round " + round + ": the diverged student ranks last and is replaced");
      }
    }
    double finalVal = Double.parseDouble(HpoJobTest.historyWithoutSeconds(out).get(5).split(",")[3]);
    assertTrue(Double.isFinite(finalVal) && finalVal < Math.log(2), "the run goes on with the others: " + finalVal);
    io.hypergrad.estimator.DivergenceException e = assertThrows(io.hypergrad.estimator.DivergenceException.class,
        () -> run("all-diverge", List.of("method=pbt", "outer.lr=1500"), -1));
    assertTrue(e.getMessage().contains("every student's hypergradient diverged"), e.getMessage());
  }
}
