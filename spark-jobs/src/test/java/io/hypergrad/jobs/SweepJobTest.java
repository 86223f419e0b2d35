package io.hypergrad.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sweep on a small Adult grid: the best of each family is the family's lowest last-10% error, and reruns agree. */
class SweepJobTest {
  @TempDir
  Path dir;

  private static final List<String> GRID = List.of("data.paths=[\"../data/adult/adult.data.gz\"]", "iterations=400", "seeds=3",
      "estimators=[{method=neumann, family=StocFP}, {method=sid, schedule=linear, eta0=[10,20], t0=[20,50], family=SID},"
          + " {method=mixed-fp-km, alpha=[0.8,0.95], schedule=linear, eta0=[10,20], t0=[20,50], family=\"Mixed FP-KM\"},"
          + " {method=exact}]");

  private Path sweep(String name) throws Exception {
    Path out = dir.resolve(name);
    PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    EstimateJob.run(new RunOptions(new File("../conf/adult-l2.conf"), GRID, out, false), log, true);
    return out;
  }

  @Test
  void picksTheLowestLast10ErrorPerFamilyAndIsDeterministic() throws Exception {
    Path out = sweep("a");
    for (String f : List.of("summary.json", "errors.csv", "best.csv", "report.md", "errors.png", "errors-hvp.png")) {
      assertTrue(Files.size(out.resolve(f)) > 0, f);
    }
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals("sweep", summary.get("job").asText());
    // independently: the lowest last-10% error of each family from summary.json
    Map<String, String> expected = new HashMap<>();
    Map<String, Double> lowest = new HashMap<>();
    for (JsonNode r : summary.get("results")) {
      String method = r.get("method").asText();
      String family = switch (method) {
        case "neumann" -> "StocFP";
        case "sid" -> "SID";
        case "mixed-fp-km" -> "Mixed FP-KM";
        default -> null;
      };
      if (family == null) {
        continue;
      }
      double e = r.get("last10_error_mean").asDouble();
      if (!lowest.containsKey(family) || e < lowest.get(family)) {
        lowest.put(family, e);
        expected.put(family, r.get("label").asText());
      }
    }
    // errors.csv: the winners' curves only (every curve of the grid on request, gzip)
    assertEquals(new java.util.TreeSet<>(expected.values()), labels(Files.newInputStream(out.resolve("errors.csv"))));
    assertFalse(Files.exists(out.resolve("errors-all.csv.gz")));
    List<String> best = Files.readAllLines(out.resolve("best.csv"));
    assertEquals(1 + 3, best.size(), String.join("\n", best));
    for (String line : best.subList(1, best.size())) {
      String family = line.substring(1, line.indexOf('"', 1));
      assertTrue(line.contains(expected.get(family)), family + ": " + line + " vs " + expected.get(family));
    }
    // 1 + 8 + 8 configurations were tried: the family sizes are reported
    assertTrue(best.stream().anyMatch(l -> l.startsWith("\"SID\"") && l.contains(",4,")), String.join("\n", best));

    Path again = sweep("b");
    assertEquals(withoutTimes(out), withoutTimes(again));
  }

  private static String withoutTimes(Path out) throws Exception {
    return Files.readString(out.resolve("summary.json")).replaceAll("\"seconds\" : [0-9.eE-]+", "");
  }

  /** The distinct labels of an errors.csv stream. */
  private static java.util.Set<String> labels(java.io.InputStream in) throws java.io.IOException {
    java.util.Set<String> labels = new java.util.TreeSet<>();
    try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
      r.readLine();
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        labels.add(line.substring(line.indexOf('"') + 1, line.lastIndexOf('"')).replace("\"\"", "\""));
      }
    }
    return labels;
  }

  @Test
  void everyCurveOnRequestCompressed() throws Exception {
    Path out = dir.resolve("all");
    List<String> sets = new java.util.ArrayList<>(GRID);
    sets.add("all_curves=true");
    EstimateJob.run(new RunOptions(new File("../conf/adult-l2.conf"), sets, out, false),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), true);
    // 1 Neumann + 4 SID + 8 Mixed FP-KM configurations
    assertEquals(13, labels(new java.util.zip.GZIPInputStream(Files.newInputStream(out.resolve("errors-all.csv.gz"))))
        .size());
    assertEquals(3, labels(Files.newInputStream(out.resolve("errors.csv"))).size());
  }
}
