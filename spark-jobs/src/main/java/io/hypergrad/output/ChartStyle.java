package io.hypergrad.output;

import java.awt.Color;
import java.awt.Font;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;

/** The one look of every chart the jobs draw: white background, light grid, bold title, legend below. */
final class ChartStyle {
  /** Series colours, in order. */
  static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
      new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22),
      new Color(0x17becf)};

  private ChartStyle() {}

  static JFreeChart chart(String title, XYPlot plot, boolean legend) {
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xdddddd));
    plot.setRangeGridlinePaint(new Color(0xdddddd));
    JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, legend);
    chart.setBackgroundPaint(Color.WHITE);
    if (legend) {
      LegendTitle l = chart.getLegend();
      l.setPosition(RectangleEdge.BOTTOM);
      l.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    }
    return chart;
  }
}
