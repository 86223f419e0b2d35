package io.hypergrad.output;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.util.ShapeUtils;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A population's rounds as a PNG: every student's validation loss after each round's local steps
 * (dots), the students replaced by mutated copies after that round (crosses), and the best of each
 * round (a line). Diverged students (an infinite loss) are left out.
 */
public final class PopulationPlot {
  private PopulationPlot() {}

  /**
   * @param rows one per student per round: round, student, loss, …, the student whose copy replaced
   *     it (−1: none), whether it was the round's best — the population log's columns
   * @param replacedColumn the column of the replacing student
   */
  public static void write(Path file, String title, List<double[]> rows, int replacedColumn) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYSeries kept = new XYSeries("student", false, true);
    XYSeries replaced = new XYSeries("replaced after the round", false, true);
    XYSeries best = new XYSeries("best of the round", false, true);
    double lastRound = Double.NaN;
    double roundBest = Double.POSITIVE_INFINITY;
    for (double[] r : rows) {
      if (r[0] != lastRound && !Double.isNaN(lastRound) && Double.isFinite(roundBest)) {
        best.add(lastRound, roundBest);
        roundBest = Double.POSITIVE_INFINITY;
      }
      lastRound = r[0];
      if (!Double.isFinite(r[2])) {
        continue;
      }
      roundBest = Math.min(roundBest, r[2]);
      (r[replacedColumn] >= 0 ? replaced : kept).add(r[0], r[2]);
    }
    if (!Double.isNaN(lastRound) && Double.isFinite(roundBest)) {
      best.add(lastRound, roundBest);
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(kept);
    data.addSeries(replaced);
    data.addSeries(best);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
    renderer.setSeriesLinesVisible(0, false);
    renderer.setSeriesLinesVisible(1, false);
    renderer.setSeriesShapesVisible(2, false);
    renderer.setSeriesPaint(0, new Color(0x1f77b4));
    renderer.setSeriesShape(0, ShapeUtils.createDiamond(2.5f));
    renderer.setSeriesPaint(1, new Color(0xd62728));
    renderer.setSeriesShape(1, ShapeUtils.createDiagonalCross(3f, 0.6f));
    renderer.setSeriesPaint(2, Color.BLACK);
    renderer.setSeriesStroke(2, new BasicStroke(1.8f));
    NumberAxis x = new NumberAxis("round");
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    NumberAxis y = new NumberAxis("validation loss");
    y.setAutoRangeIncludesZero(false);
    JFreeChart chart = ChartStyle.chart(title, new XYPlot(data, x, y, renderer), true);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 1000, 600);
  }
}
