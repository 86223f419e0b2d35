package io.hypergrad.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped conf/synthetic.conf, run whole: the paper's §5.2 synthetic comparison. */
class SyntheticEstimateTest {
  @TempDir
  static Path dir;
  static Path out;
  static JsonNode summary;
  static Map<String, JsonNode> byLabel = new HashMap<>();

  @BeforeAll
  static void run() throws Exception {
    out = dir.resolve("synthetic");
    PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    EstimateJob.run(new RunOptions(new File("../conf/synthetic.conf"), List.of(), out, false), log);
    summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    for (JsonNode r : summary.get("results")) {
      byLabel.put(r.get("method").asText() + ":" + r.get("params").path("schedule").asText(""), r);
    }
  }

  @Test
  void mixedFpKmWithADecreasingScheduleEndsFarBelowStocFp() {
    double neumann = byLabel.get("neumann:").get("final_error_mean").asDouble();
    double mixedKm = byLabel.get("mixed-fp-km:linear").get("final_error_mean").asDouble();
    // paper: ≈0.55 against ≈35
    assertTrue(mixedKm * 20 <= neumann, "mixed-fp-km " + mixedKm + " vs neumann " + neumann);
    double sid = byLabel.get("sid:linear").get("final_error_mean").asDouble();
    assertTrue(mixedKm < sid, "mixed-fp-km " + mixedKm + " vs sid " + sid);
  }

  @Test
  void cgAgreesWithExact() {
    double cg = byLabel.get("cg:").get("final_error_mean").asDouble();
    assertTrue(cg <= 1e-10 * summary.get("exact_norm").asDouble(), "cg error " + cg);
    assertEquals(0.0, byLabel.get("exact:").get("final_error_mean").asDouble(), 0.0);
  }

  @Test
  void summaryHasTheSharedShape() {
    for (String key : List.of("job", "task", "p", "q", "iterations", "batch", "seeds", "plan", "exact_norm", "seconds")) {
      assertTrue(summary.has(key), "summary.json lacks " + key);
    }
    assertEquals("estimate", summary.get("job").asText());
    assertEquals(100, summary.get("p").asInt());
    assertEquals(10_000, summary.get("iterations").asInt());
    assertEquals(9, summary.get("results").size());
    for (JsonNode r : summary.get("results")) {
      for (String key : List.of("label", "method", "params", "final_error_mean", "final_error_std", "last10_error_mean", "seconds")) {
        assertTrue(r.has(key), r.get("label") + " lacks " + key);
      }
    }
    assertEquals("mixed-fp-km", byLabel.get("mixed-fp-km:linear").get("method").asText());
  }

  @Test
  void csvPlotAndHypergradientsAreWritten() throws Exception {
    List<String> lines = Files.readAllLines(out.resolve("errors.csv"));
    assertEquals("iteration,label,mean,std", lines.get(0));
    // 7 iterative configurations × (10⁴ + 1) points
    assertEquals(1 + 7 * 10_001, lines.size());
    // the csv's last row of a label is the summary's final error
    JsonNode neumann = byLabel.get("neumann:");
    String last = lines.stream().filter(l -> l.startsWith("10000,\"neumann(")).findFirst().orElseThrow();
    assertEquals(neumann.get("final_error_mean").asDouble(), Double.parseDouble(last.split(",")[2]), 0.0);
    byte[] png = Files.readAllBytes(out.resolve("errors.png"));
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));
    assertTrue(png.length > 20_000, "plot has " + png.length + " bytes");
    JsonNode hg = new ObjectMapper().readTree(out.resolve("hypergradient.json").toFile());
    assertEquals(100, hg.get("v_star").size());
    assertEquals(9, hg.get("estimates").size());
  }
}
