package io.hypergrad.hpo;

import io.hypergrad.output.LinePlot;
import io.hypergrad.output.OutputDirectory;
import io.hypergrad.output.SummaryJson;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results of an {@code hpo} run, written into --out beside its checkpoint through an {@link
 * OutputDirectory}: history.csv, lambda.json, model.json, loss.png, accuracy.png and summary.json, and a
 * method's own tables (a population's population.csv, drawn as population.png).
 */
final class HpoResults {
  private static final String[] METRICS = {"train_loss", "train_accuracy", "val_loss", "val_accuracy", "test_loss",
      "test_accuracy"};

  private HpoResults() {}

  /** What summary.json says of the run besides the history. */
  record Run(String task, String methodName, String modelName, String hyperModelName, HpoSettings settings, int p, int q,
      String plan, Map<String, Object> methodSummary, Map<String, Object> baseline, double jobSeconds,
      Map<String, OuterMethod.Table> tables) {}

  /**
   * Writes the results into {@code out} (staged, then moved in with summary.json last); with {@code
   * keep} not null, the old run's other entries but those go too (a run replacing an old one's results).
   */
  static void write(String out, org.apache.hadoop.conf.Configuration hadoop, Run run, OuterLoop.Result result,
      java.util.Set<String> keep, PrintStream log) throws IOException {
    List<double[]> history = result.history();
    try (OutputDirectory dir = keep == null ? OutputDirectory.inside(out, hadoop)
        : OutputDirectory.inside(out, hadoop).replacingAllBut(keep)) {
      OuterLoop.writeHistory(dir.path("history.csv"), history);
      for (Map.Entry<String, OuterMethod.Table> t : run.tables().entrySet()) {
        writeTable(dir.path(t.getKey() + ".csv"), t.getValue());
      }
      OuterMethod.Table population = run.tables().get("population");
      if (population != null) {
        io.hypergrad.output.PopulationPlot.write(dir.path("population.png"), run.task() + ": " + run.settings().label(),
            population.rows(), java.util.Arrays.asList(population.columns()).indexOf("replaced_by"));
      }
      Map<String, Object> lam = new LinkedHashMap<>();
      lam.put("hyper_model", run.hyperModelName());
      lam.put("lambda", result.lambda());
      SummaryJson.mapper().writeValue(dir.path("lambda.json").toFile(), lam);
      Map<String, Object> model = new LinkedHashMap<>();
      model.put("model", run.modelName());
      model.put("x", result.x());
      SummaryJson.mapper().writeValue(dir.path("model.json").toFile(), model);
      double[] last = history.get(history.size() - 1);
      String title = run.task() + ": " + run.settings().label();
      LinePlot.write(dir.path("loss.png"), title, "outer step", "loss", history, 0, new int[] {1, 3, 5},
          new String[] {"train", "validation", "test"});
      if (!Double.isNaN(last[2])) {
        LinePlot.write(dir.path("accuracy.png"), title, "outer step", "accuracy", history, 0, new int[] {2, 4, 6},
            new String[] {"train", "validation", "test"});
      }
      SummaryJson.mapper().writeValue(dir.path(OutputDirectory.SUMMARY).toFile(), summary(run, history));
      dir.commit();
      log.printf(Locale.ROOT, "final (outer step %d): val loss %.4f, val accuracy %.4f, test loss %.4f, test accuracy %.4f%n",
          (int) last[0], last[3], last[4], last[5], last[6]);
    }
  }

  /** A method's own table: integers where a column holds whole numbers, shortest round-trip doubles elsewhere. */
  private static void writeTable(Path file, OuterMethod.Table table) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(String.join(",", table.columns()) + "\n");
      for (double[] r : table.rows()) {
        StringBuilder b = new StringBuilder();
        for (int j = 0; j < r.length; j++) {
          b.append(j > 0 ? "," : "");
          b.append(Double.isNaN(r[j]) ? "" : r[j] == Math.rint(r[j]) && Math.abs(r[j]) < 1e15 ? String.valueOf((long) r[j])
              : String.valueOf(r[j]));
        }
        w.write(b + "\n");
      }
    }
  }

  private static Map<String, Object> summary(Run run, List<double[]> history) {
    HpoSettings s = run.settings();
    double[] last = history.get(history.size() - 1);
    Map<String, Object> extra = new LinkedHashMap<>(run.methodSummary());
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("job", "hpo");
    summary.put("task", run.task());
    summary.put("kind", "glm");
    summary.put("method", run.methodName());
    summary.put("label", s.label());
    summary.put("params", s.spec() != null ? s.spec().params() : Map.of());
    summary.put("p", run.p());
    summary.put("q", run.q());
    summary.put("plan", run.plan());
    summary.put("iterations", extra.remove("iterations"));
    summary.put("batch", s.batch());
    summary.put("seeds", 1);
    summary.put("seed", s.seed());
    summary.put("outer_steps", (int) last[0]);
    for (String key : new String[] {"outer_optimizer", "outer_lr", "inner_solver", "inner_steps", "inner_lr"}) {
      if (extra.containsKey(key)) {
        summary.put(key, extra.remove(key));
      }
    }
    Map<String, Object> initial = new LinkedHashMap<>();
    for (int j = 0; j < METRICS.length; j++) {
      summary.put(METRICS[j], last[1 + j]);
      initial.put(METRICS[j], history.get(0)[1 + j]);
    }
    summary.put("initial", initial);
    summary.put("samples", (long) last[10]);
    summary.put("seconds", last[11]);
    summary.put("lambda_norm", last[8]);
    summary.putAll(extra);
    if (run.baseline() != null) {
      summary.put("baseline", run.baseline());
    }
    summary.put("job_seconds", run.jobSeconds());
    return summary;
  }
}
