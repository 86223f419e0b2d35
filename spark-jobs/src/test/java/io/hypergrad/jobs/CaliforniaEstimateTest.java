package io.hypergrad.jobs;

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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** conf/california-meta.conf run whole on ../shared/data (skipped where that is absent). */
class CaliforniaEstimateTest {
  @TempDir
  Path dir;

  @Test
  void exactAndCgAgreeAndMixedFpKmEndsBelowStocFpAndSid() throws Exception {
    Path data = Path.of("../../shared/data/california_housing/cal_housing.data.gz");
    Assumptions.assumeTrue(Files.isRegularFile(data), "../shared/data not present");
    Path out = dir.resolve("california");
    PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    EstimateJob.run(new RunOptions(new File("../conf/california-meta.conf"),
        List.of("data.paths=[\"" + data.toString().replace("\\", "/") + "\"]"), out, false), log);
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals(8, summary.get("p").asInt());
    assertTrue(summary.get("cg_vs_exact_relative").asDouble() < 1e-8, summary.get("cg_vs_exact_relative").asText());
    Map<String, Double> finalError = new HashMap<>();
    for (JsonNode r : summary.get("results")) {
      finalError.put(r.get("method").asText() + ":" + r.get("params").path("schedule").asText(""),
          r.get("final_error_mean").asDouble());
    }
    double mixedKm = finalError.get("mixed-fp-km:linear");
    // paper: ≈13× below StocFP and ≈1.2× below SID; here 15× and a tie with SID (≈1% apart)
    assertTrue(5 * mixedKm <= finalError.get("neumann:"), "mixed-fp-km " + mixedKm + " vs " + finalError);
    assertTrue(mixedKm <= finalError.get("sid:linear"), "mixed-fp-km " + mixedKm + " vs " + finalError);
  }
}
