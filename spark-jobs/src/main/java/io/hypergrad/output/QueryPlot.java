package io.hypergrad.output;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * One query's attribution as a PNG: its top-k most harmful training rows' scores as bars above zero,
 * then its top-k most helpful below, strongest first, each bar labelled in the title by rank.
 */
public final class QueryPlot {
  private QueryPlot() {}

  /**
   * @param harmful the harmful scores, strongest first
   * @param helpful the helpful scores, strongest first
   */
  public static void write(Path file, String title, List<Double> harmful, List<Double> helpful) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYSeries up = new XYSeries("harmful (removing the row lowers the query's loss)");
    XYSeries down = new XYSeries("helpful (removing the row raises it)");
    for (int r = 0; r < harmful.size(); r++) {
      up.add(r + 1, harmful.get(r));
    }
    for (int r = 0; r < helpful.size(); r++) {
      down.add(harmful.size() + r + 1, helpful.get(r));
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(up);
    data.addSeries(down);
    data.setIntervalWidth(0.8);
    NumberAxis x = new NumberAxis("training rows by rank: harmful 1 … " + harmful.size() + ", then helpful 1 … "
        + helpful.size());
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    NumberAxis y = new NumberAxis("score (d query loss / d row weight)");
    XYBarRenderer renderer = new XYBarRenderer();
    renderer.setBarPainter(new StandardXYBarPainter());
    renderer.setShadowVisible(false);
    renderer.setSeriesPaint(0, ChartStyle.PALETTE[3]);
    renderer.setSeriesPaint(1, ChartStyle.PALETTE[0]);
    JFreeChart chart = ChartStyle.chart(title, new XYPlot(data, x, y, renderer), true);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 1000, 600);
  }
}
