package io.hypergrad.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** summary.json in the one shape every job shares (DESIGN §4). */
public final class SummaryJson {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private SummaryJson() {}

  /**
   * @param header the run's keys (job, task, p, q, iterations, batch, seeds, plan, exact_norm, seconds, …)
   */
  public static void write(Path file, Map<String, Object> header, List<LabelResult> results) throws IOException {
    Map<String, Object> root = new LinkedHashMap<>(header);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (LabelResult r : results) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("label", r.spec().label());
      row.put("method", r.spec().method().canonicalName());
      row.put("params", r.spec().params());
      row.put("final_error_mean", r.errors().finalMean());
      row.put("final_error_std", r.errors().finalStd());
      row.put("last10_error_mean", r.errors().last10Mean());
      row.put("seconds", r.seconds());
      row.putAll(r.extra());
      rows.add(row);
    }
    root.put("results", rows);
    JSON.writeValue(file.toFile(), root);
  }

  /** hypergradient.json: the reference v* and each configuration's seed-mean estimate. */
  public static void writeHypergradients(Path file, String reference, double[] vStar, List<LabelResult> results)
      throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("reference", reference);
    root.put("v_star", vStar);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (LabelResult r : results) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("label", r.spec().label());
      row.put("estimate_mean", r.meanEstimate());
      rows.add(row);
    }
    root.put("estimates", rows);
    JSON.writeValue(file.toFile(), root);
  }

  public static ObjectMapper mapper() {
    return JSON;
  }
}
