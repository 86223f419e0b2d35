package io.hypergrad.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypergrad.output.LinePlot;
import io.hypergrad.output.SummaryJson;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Compares hpo runs of one task: validation loss against wall time and against samples, test
 * accuracy against wall time (one PNG with the three panels side by side per task), and a markdown
 * table with each method's lowest validation loss within the wall time every run reached.
 *   HpoComparison OUT.png TITLE LABEL=RUN_DIR ...   (-Dhpo.comparison.loss_max=Y cuts the loss axes at Y)
 */
public final class HpoComparison {
  private record Run(String label, List<double[]> rows, JsonNode summary) {}

  private HpoComparison() {}

  public static void main(String[] args) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Path png = Path.of(args[0]);
    String title = args[1];
    List<Run> runs = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      Path dir = Path.of(args[i].substring(eq + 1));
      List<double[]> rows = new ArrayList<>();
      List<String> lines = Files.readAllLines(dir.resolve("history.csv"));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",", -1);
        double[] r = new double[f.length];
        for (int j = 0; j < f.length; j++) {
          r[j] = f[j].isEmpty() ? Double.NaN : Double.parseDouble(f[j]);
        }
        rows.add(r);
      }
      runs.add(new Run(args[i].substring(0, eq), rows, SummaryJson.mapper().readTree(dir.resolve("summary.json").toFile())));
    }
    // history.csv: step, train_loss, train_accuracy, val_loss, val_accuracy, test_loss, test_accuracy, ‖v‖, ‖λ‖, ‖∇g‖, samples, seconds
    // log x axes: the first seconds and samples are where the methods differ most
    JFreeChart a = chart(runs, 11, 3, "wall time (s)", "validation loss", true);
    JFreeChart b = chart(runs, 10, 3, "samples (rows read)", "validation loss", true);
    JFreeChart c = chart(runs, 11, 6, "wall time (s)", "test accuracy", true);
    java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(1800, 560, java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 1800, 560);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
    g.drawString(title, 20, 26);
    a.draw(g, new java.awt.geom.Rectangle2D.Double(0, 36, 600, 520));
    b.draw(g, new java.awt.geom.Rectangle2D.Double(600, 36, 600, 520));
    c.draw(g, new java.awt.geom.Rectangle2D.Double(1200, 36, 600, 520));
    g.dispose();
    javax.imageio.ImageIO.write(img, "png", png.toFile());

    double common = runs.stream().mapToDouble(r -> r.rows().get(r.rows().size() - 1)[11]).min().orElse(0);
    System.out.printf(Locale.ROOT, "%n%s — lowest validation loss within %.1f s (the wall time every run reached)%n%n", title,
        common);
    System.out.println("| method | evaluations | samples | seconds | val loss at step 0 | lowest val loss within the common time | "
        + "final val loss | final test accuracy |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (Run r : runs) {
      double best = Double.POSITIVE_INFINITY;
      for (double[] row : r.rows()) {
        if (row[11] <= common) {
          best = Math.min(best, row[3]);
        }
      }
      double[] last = r.rows().get(r.rows().size() - 1);
      System.out.printf(Locale.ROOT, "| %s | %d | %.3g | %.1f | %.4f | %.4f | %.4f | %.4f |%n", r.label(), (int) last[0], last[10],
          last[11], r.rows().get(0)[3], best, last[3], last[6]);
    }
  }

  private static JFreeChart chart(List<Run> runs, int xCol, int yCol, String xLabel, String yLabel, boolean logX) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (Run r : runs) {
      XYSeries s = new XYSeries(r.label(), false, true);
      for (double[] row : r.rows()) {
        if (!Double.isNaN(row[yCol]) && (!logX || row[xCol] > 0)) {
          s.add(row[xCol], row[yCol]);
        }
      }
      data.addSeries(s);
    }
    JFreeChart chart = LinePlot.chart(null, data, xLabel, yLabel, logX);
    // -Dhpo.comparison.loss_max=Y: a loss axis cut at Y, when a start far above (FDS's θ = 0) would flatten the rest
    String cut = System.getProperty("hpo.comparison.loss_max");
    if (cut != null && yLabel.contains("loss")) {
      org.jfree.chart.axis.ValueAxis axis = chart.getXYPlot().getRangeAxis();
      axis.setRange(Math.max(0, data.getRangeLowerBound(false) - 0.01), Double.parseDouble(cut));
    }
    return chart;
  }
}
