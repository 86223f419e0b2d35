package io.hypergrad.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hpo --set method=fds} on Adult: the SGD schedule tuned by FDS's forward-mode hypergradient
 * lowers the validation loss from its zero start, a run killed after an outer step resumes bit for
 * bit, and the distributed plan (the trajectory's rows gathered from the executors) gives the
 * driver plan's run bit for bit.
 */
class FdsHpoTest {
  static final List<String> FDS = List.of("method=fds", "fds.horizon=150", "fds.lr_windows=3", "batch=16",
      "outer.steps=6", "fds.lr_step=0.5", "fds.weight_decay_step=1e-3");

  @TempDir
  static Path dir;

  static Path run(String name, List<String> extra, int failAfter) throws Exception {
    return HpoJobTest.runSmall(dir.resolve(name), List.of(FDS, extra), failAfter);
  }

  @Test
  void theScheduleLearnsResumesBitForBitAndIsTheSameOnTheDistributedPlan() throws Exception {
    Path whole = run("whole", List.of(), -1);
    JsonNode s = new ObjectMapper().readTree(whole.resolve("summary.json").toFile());
    assertEquals("fds", s.get("method").asText());
    List<String> history = HpoJobTest.historyWithoutSeconds(whole);
    assertEquals(1 + 1 + 6, history.size());
    // row 1 trained with the zero start (θ stays 0); the learned schedules that follow fit the data
    double first = Double.parseDouble(history.get(2).split(",")[3]);
    double last = Double.parseDouble(history.get(history.size() - 1).split(",")[3]);
    assertEquals(Math.log(2), first, 1e-12, "a zero learning rate leaves θ = 0: log 2");
    assertTrue(last < first - 0.05, "validation loss " + first + " → " + last);
    double[] lr = HpoJobTest.lambda(whole);
    assertEquals(3 + 1 + 1, lr.length);
    assertTrue(lr[0] > 0 && lr[1] > 0 && lr[2] > 0, "every learning-rate window rose from 0");

    assertThrows(IllegalStateException.class, () -> run("resumed", List.of(), 3));
    Path resumed = run("resumed", List.of(), -1);
    assertArrayEquals(HpoJobTest.lambda(whole), HpoJobTest.lambda(resumed), 0.0);
    assertEquals(history, HpoJobTest.historyWithoutSeconds(resumed));

    Path dist = run("distributed", List.of("plan=distributed", "partitions=2"), -1);
    assertArrayEquals(HpoJobTest.lambda(whole), HpoJobTest.lambda(dist), 0.0);
    assertEquals(Files.readAllLines(whole.resolve("model.json")), Files.readAllLines(dist.resolve("model.json")));
  }
}
