package io.hypergrad.output;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;

/**
 * A histogram as a PNG: bars over the given bin edges, counts on a log axis (influence scores are
 * heavy-tailed: a linear axis shows one bar at zero and hides the tails that matter).
 */
public final class HistogramPlot {
  private HistogramPlot() {}

  /**
   * @param edges  bins + 1 increasing edges
   * @param counts rows per bin
   */
  public static void write(Path file, String title, String xLabel, double[] edges, long[] counts) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYIntervalSeries bars = new XYIntervalSeries("rows");
    for (int b = 0; b < counts.length; b++) {
      if (counts[b] > 0) {
        double mid = 0.5 * (edges[b] + edges[b + 1]);
        // bars start at 0.5 so that a bin of one row still shows on the log axis
        bars.add(mid, edges[b], edges[b + 1], counts[b], 0.5, counts[b]);
      }
    }
    XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
    data.addSeries(bars);
    NumberAxis x = new NumberAxis(xLabel);
    x.setAutoRangeIncludesZero(false);
    LogAxis y = new LogAxis("rows (log scale)");
    y.setBase(10);
    y.setSmallestValue(0.5);
    y.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    XYBarRenderer renderer = new XYBarRenderer();
    renderer.setBarPainter(new StandardXYBarPainter());
    renderer.setShadowVisible(false);
    renderer.setUseYInterval(true);
    renderer.setSeriesPaint(0, new Color(0x1f77b4));
    renderer.setDrawBarOutline(true);
    renderer.setSeriesOutlinePaint(0, Color.WHITE);
    JFreeChart chart = ChartStyle.chart(title, new XYPlot(data, x, y, renderer), false);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 1000, 600);
  }
}
