package io.hypergrad.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped conf/adult-l2.conf, run whole on the shipped Adult file: the paper's §5.2 Adult task. */
class AdultEstimateTest {
  @TempDir
  static Path dir;
  static JsonNode summary;
  static Map<String, JsonNode> byMethod = new HashMap<>();

  @BeforeAll
  static void run() throws Exception {
    Path out = dir.resolve("adult");
    PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    EstimateJob.run(new RunOptions(new File("../conf/adult-l2.conf"),
        List.of("data.paths=[\"../data/adult/adult.data.gz\"]"), out, false), log);
    summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    for (JsonNode r : summary.get("results")) {
      byMethod.put(r.get("method").asText() + ":" + r.get("params").path("schedule").asText(""), r);
    }
  }

  private static double last10(String key) {
    return byMethod.get(key).get("last10_error_mean").asDouble();
  }

  @Test
  void theTaskIsThePapersAdultSetUp() {
    assertEquals("adult-l2", summary.get("task").asText());
    assertEquals(14, summary.get("p").asInt());
    assertEquals(14, summary.get("q").asInt());
    assertEquals(5000, summary.get("n_train").asInt());
    assertEquals(5000, summary.get("n_val").asInt());
    assertTrue(summary.get("inner_converged").asBoolean());
    // the inner solve is tight: ‖∇ₓg‖ far below the 1e-9 relative target (the start norm is O(0.1))
    assertTrue(summary.get("inner_grad_norm").asDouble() < 1e-10, summary.get("inner_grad_norm").asText());
  }

  @Test
  void exactAndCgAgree() {
    assertTrue(summary.get("cg_vs_exact_relative").asDouble() < 1e-8, summary.get("cg_vs_exact_relative").asText());
  }

  @Test
  void mixedFpKmBeatsStocFpFiveFoldAndIsNoWorseThanSid() {
    double neumann = last10("neumann:");
    double mixedKm = last10("mixed-fp-km:linear");
    double sid = last10("sid:linear");
    assertTrue(5 * mixedKm <= neumann, "mixed-fp-km " + mixedKm + " vs neumann " + neumann);
    assertTrue(mixedKm <= sid, "mixed-fp-km " + mixedKm + " vs sid " + sid);
  }
}
