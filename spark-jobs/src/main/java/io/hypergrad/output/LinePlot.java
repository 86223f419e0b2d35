package io.hypergrad.output;

import java.awt.BasicStroke;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Curves from the columns of a table (rows of doubles) against one of its columns, as a PNG. */
public final class LinePlot {

  private LinePlot() {}

  /**
   * @param xColumn the column plotted along x
   * @param columns the columns drawn as curves (NaN entries are skipped), named by {@code names}
   */
  public static void write(Path file, String title, String xLabel, String yLabel, List<double[]> rows, int xColumn,
      int[] columns, String[] names) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYSeriesCollection data = new XYSeriesCollection();
    for (int c = 0; c < columns.length; c++) {
      XYSeries s = new XYSeries(names[c], false, true);
      for (double[] r : rows) {
        if (!Double.isNaN(r[columns[c]])) {
          s.add(r[xColumn], r[columns[c]]);
        }
      }
      if (s.getItemCount() > 0) {
        data.addSeries(s);
      }
    }
    JFreeChart chart = chart(title, data, xLabel, yLabel, false);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 1000, 600);
  }

  /**
   * Curves in the project's chart style (white background, light grid, legend below), x linear from
   * zero or on a log scale.
   *
   * @param title null for none
   */
  public static JFreeChart chart(String title, XYSeriesCollection data, String xLabel, String yLabel, boolean logX) {
    ValueAxis x;
    if (logX) {
      LogAxis lx = new LogAxis(xLabel);
      lx.setBase(10);
      lx.setStandardTickUnits(NumberAxis.createStandardTickUnits());
      x = lx;
    } else {
      NumberAxis nx = new NumberAxis(xLabel);
      nx.setAutoRangeIncludesZero(true);
      x = nx;
    }
    NumberAxis y = new NumberAxis(yLabel);
    y.setAutoRangeIncludesZero(false);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      renderer.setSeriesPaint(i, ChartStyle.PALETTE[i % ChartStyle.PALETTE.length]);
      renderer.setSeriesStroke(i, new BasicStroke(1.8f));
    }
    JFreeChart chart = ChartStyle.chart(title, new XYPlot(data, x, y, renderer), true);
    return chart;
  }
}
