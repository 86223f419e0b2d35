package io.hypergrad.output;

import io.hypergrad.estimator.Method;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sweep's selection, as in the paper: per family, the configuration with the lowest mean error
 * over the last 10% of iterations. Writes best.csv, report.md, errors.png (the best of each family
 * against samples) and errors-hvp.png (against Hessian-vector products: a Mixed step costs two).
 */
public final class SweepReport {
  private SweepReport() {}

  /** One family's winner. */
  public record Best(String family, LabelResult result, int configurations) {}

  /** The best iterative configuration of every family, ordered by its last-10% error. */
  public static List<Best> select(List<LabelResult> results, Map<String, String> familyOfLabel) {
    Map<String, LabelResult> best = new LinkedHashMap<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (LabelResult r : results) {
      if (!r.spec().method().isIterative()) {
        continue;
      }
      String family = familyOfLabel.get(r.spec().label());
      counts.merge(family, 1, Integer::sum);
      LabelResult current = best.get(family);
      if (current == null || r.errors().last10Mean() < current.errors().last10Mean()) {
        best.put(family, r);
      }
    }
    List<Best> out = new ArrayList<>();
    best.forEach((family, r) -> out.add(new Best(family, r, counts.get(family))));
    out.sort(Comparator.comparingDouble(b -> b.result().errors().last10Mean()));
    return out;
  }

  /** Hessian-vector products per iteration: Mixed steps make two (A_t u and A_t w), the others one. */
  public static double productsPerIteration(LabelResult r, int batch) {
    Method m = r.spec().method();
    return (m == Method.MIXED_FP || m == Method.MIXED_FP_KM ? 2.0 : 1.0) * batch;
  }

  public static void write(OutputDirectory out, String title, List<Best> best, int batch, String command)
      throws IOException {
    List<LabelResult> winners = best.stream().map(Best::result).toList();
    ErrorPlot.write(out.path("errors.png"), title + " — best per family", winners, r -> batch, "samples");
    ErrorPlot.write(out.path("errors-hvp.png"), title + " — best per family", winners, r -> productsPerIteration(r, batch),
        "Hessian-vector products");
    try (BufferedWriter w = Files.newBufferedWriter(out.path("best.csv"), StandardCharsets.UTF_8)) {
      w.write("family,label,method,configurations,final_error_mean,final_error_std,last10_error_mean,seconds\n");
      for (Best b : best) {
        LabelResult r = b.result();
        w.write(String.join(",", quote(b.family()), quote(r.spec().label()), r.spec().method().toString(),
            Integer.toString(b.configurations()), Double.toString(r.errors().finalMean()), Double.toString(r.errors().finalStd()),
            Double.toString(r.errors().last10Mean()), Double.toString(r.seconds())));
        w.write('\n');
      }
    }
    double top = best.isEmpty() ? 1 : best.get(0).result().errors().last10Mean();
    try (BufferedWriter w = Files.newBufferedWriter(out.path("report.md"), StandardCharsets.UTF_8)) {
      w.write("# " + title + "\n\n");
      w.write("`" + command + "`\n\n");
      w.write("Best configuration of each family (lowest mean ‖v − v*‖ over the last 10% of iterations), best first.\n\n");
      w.write("| family | best configuration | configurations tried | final error (mean ± std) | last 10% | × best |\n");
      w.write("|---|---|---|---|---|---|\n");
      for (Best b : best) {
        LabelResult r = b.result();
        w.write(String.format(Locale.ROOT, "| %s | `%s` | %d | %.3e ± %.2e | %.3e | %.2f |%n", b.family(), r.spec().label(),
            b.configurations(), r.errors().finalMean(), r.errors().finalStd(), r.errors().last10Mean(),
            r.errors().last10Mean() / top));
      }
    }
  }

  private static String quote(String s) {
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
