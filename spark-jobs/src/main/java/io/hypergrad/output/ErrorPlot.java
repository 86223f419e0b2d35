package io.hypergrad.output;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * errors.png: ‖v_t − v*‖ against samples on a log scale, mean with a ±1 std band per configuration;
 * more configurations than the palette has colours, over several scales, get one panel per scale.
 */
public final class ErrorPlot {
  private static final int MAX_POINTS = 1500;

  private ErrorPlot() {}

  /**
   * @param samplesPerIteration x = iteration × this (the batch size), so curves read per sample
   */
  public static void write(Path file, String title, List<LabelResult> results, int samplesPerIteration)
      throws IOException {
    write(file, title, results, r -> samplesPerIteration, "samples");
  }

  /**
   * @param perIteration x = iteration × perIteration(result): samples, or Hessian-vector products
   *                     (two per iteration for the Mixed methods)
   * @param xLabel       the x axis's name
   */
  public static void write(Path file, String title, List<LabelResult> results,
      java.util.function.ToDoubleFunction<LabelResult> perIteration, String xLabel) throws IOException {
    System.setProperty("java.awt.headless", "true");
    java.util.Map<Double, List<LabelResult>> byScale = new java.util.LinkedHashMap<>();
    int curves = 0;
    for (LabelResult r : results) {
      if (r.spec().method().isIterative()) {
        byScale.computeIfAbsent(r.spec().scale(), k -> new java.util.ArrayList<>()).add(r);
        curves++;
      }
    }
    if (curves <= ChartStyle.PALETTE.length || byScale.size() < 2) {
      JFreeChart chart = chart(title, results, perIteration, xLabel);
      ChartUtils.saveChartAsPNG(file.toFile(), chart, 1000, 650 + 18 * ((curves + 1) / 2));
      return;
    }
    // colours would repeat within one chart: a grid of panels, one per scale, two across
    int columns = 2;
    int rows = (byScale.size() + columns - 1) / columns;
    int width = 800;
    int height = 560;
    java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(columns * width, rows * height,
        java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    int panel = 0;
    for (java.util.Map.Entry<Double, List<LabelResult>> e : byScale.entrySet()) {
      JFreeChart chart = chart(title + " — scale " + e.getKey(), e.getValue(), perIteration, xLabel);
      chart.draw(g, new java.awt.geom.Rectangle2D.Double((panel % columns) * width, (panel / columns) * height, width,
          height));
      panel++;
    }
    g.dispose();
    javax.imageio.ImageIO.write(image, "png", file.toFile());
  }

  private static JFreeChart chart(String title, List<LabelResult> results,
      java.util.function.ToDoubleFunction<LabelResult> perIteration, String xLabel) {
    YIntervalSeriesCollection data = new YIntervalSeriesCollection();
    double minPositive = Double.POSITIVE_INFINITY;
    for (LabelResult r : results) {
      if (!r.spec().method().isIterative()) {
        continue;
      }
      YIntervalSeries s = new YIntervalSeries(r.spec().label());
      double[] mean = r.errors().mean();
      double[] std = r.errors().std();
      int stride = Math.max(1, (int) Math.ceil(mean.length / (double) MAX_POINTS));
      for (int t = 0; t < mean.length; t += stride) {
        addPoint(s, r.errors().iterationAt(t) * perIteration.applyAsDouble(r), mean[t], std[t]);
        minPositive = Math.min(minPositive, mean[t]);
      }
      int last = mean.length - 1;
      if (last % stride != 0) {
        addPoint(s, r.errors().iterationAt(last) * perIteration.applyAsDouble(r), mean[last], std[last]);
      }
      data.addSeries(s);
    }
    NumberAxis x = new NumberAxis(xLabel);
    x.setAutoRangeIncludesZero(true);
    LogAxis y = new LogAxis("‖v − v*‖");
    y.setBase(10);
    // whole decades only: 10^-1, 10^0, 10^1 rather than 10^0.1 steps
    y.setAutoTickUnitSelection(false);
    y.setTickUnit(new NumberTickUnit(1.0));
    y.setSmallestValue(minPositive > 0 && Double.isFinite(minPositive) ? minPositive / 10 : 1e-300);
    DeviationRenderer renderer = new DeviationRenderer(true, false);
    renderer.setAlpha(0.15f);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      Color c = ChartStyle.PALETTE[i % ChartStyle.PALETTE.length];
      renderer.setSeriesPaint(i, c);
      renderer.setSeriesFillPaint(i, c);
      renderer.setSeriesStroke(i, new BasicStroke(1.6f));
    }
    return ChartStyle.chart(title, new XYPlot(data, x, y, renderer), true);
  }

  private static void addPoint(YIntervalSeries s, double x, double mean, double std) {
    // a log axis cannot show mean − std ≤ 0: keep the band's lower edge positive
    double low = Math.max(mean - std, mean * 1e-2);
    s.add(x, mean, low, mean + std);
  }
}
