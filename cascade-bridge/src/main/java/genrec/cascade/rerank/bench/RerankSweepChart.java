package genrec.cascade.rerank.bench;

import genrec.cascade.eval.RerankSweep;
import genrec.core.io.AtomicFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A PNG of a {@link RerankSweep} report: NDCG@K against ILD, one curve per method and window
 * (its points in θ order), relevance order as a single point; rows with the cold-start stage
 * are left out (the CSV has them).
 */
public final class RerankSweepChart {
  private RerankSweepChart() {}

  /** The chart of the rows of {@code report} without the cold-start stage. */
  public static XYChart chart(RerankSweep.Report report, String title) {
    Map<String, List<RerankSweep.Row>> series = new LinkedHashMap<>();
    for (RerankSweep.Row r : report.rows()) {
      if (!r.coldStart() && !Double.isNaN(r.ild())) {
        series.computeIfAbsent(r.setting().curve(), c -> new ArrayList<>()).add(r);
      }
    }
    if (series.isEmpty()) {
      throw new IllegalArgumentException("no rows with an ILD to chart");
    }
    XYChart chart = new XYChartBuilder().width(900).height(600).title(title)
        .xAxisTitle("ILD (1 - mean pairwise similarity)").yAxisTitle("NDCG@" + report.k())
        .build();
    chart.getStyler().setLegendVisible(true);
    for (Map.Entry<String, List<RerankSweep.Row>> e : series.entrySet()) {
      List<RerankSweep.Row> rs = new ArrayList<>(e.getValue());
      rs.sort((a, b) -> Double.compare(a.setting().theta(), b.setting().theta()));
      double[] x = new double[rs.size()];
      double[] y = new double[rs.size()];
      for (int i = 0; i < rs.size(); i++) {
        x[i] = rs.get(i).ild();
        y[i] = rs.get(i).ndcg();
      }
      XYSeries s = chart.addSeries(e.getKey(), x, y);
      if (rs.size() == 1) {
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.DIAMOND);
      }
    }
    return chart;
  }

  /** Writes the PNG of {@code report} to {@code file}, atomically. */
  public static void write(Path file, RerankSweep.Report report, String title) {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    XYChart chart = chart(report, title);
    AtomicFiles.write(file,
        os -> os.write(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG)));
  }
}
