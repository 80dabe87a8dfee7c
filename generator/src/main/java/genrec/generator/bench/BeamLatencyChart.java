package genrec.generator.bench;

import genrec.core.io.AtomicFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * A PNG of the beam-search latency grid of {@code genrec bench beam}: p50 latency per call
 * against the batch size, one line per beam width with and without the KV cache (log scales).
 */
public final class BeamLatencyChart {
  private BeamLatencyChart() {}

  /** The chart of {@code rows} (at least one). */
  public static XYChart chart(List<BeamBenchmark.Row> rows, String title) {
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("no benchmark rows to chart");
    }
    Map<String, List<BeamBenchmark.Row>> series = new LinkedHashMap<>();
    for (BeamBenchmark.Row r : rows) {
      series.computeIfAbsent("beam " + r.beam() + (r.cached() ? ", KV cache" : ", no cache"),
          k -> new ArrayList<>()).add(r);
    }
    XYChart chart = new XYChartBuilder().width(900).height(500).title(title)
        .xAxisTitle("batch (users per call)").yAxisTitle("p50 ms per call").build();
    chart.getStyler().setLegendVisible(true);
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisLogarithmic(true);
    for (Map.Entry<String, List<BeamBenchmark.Row>> e : series.entrySet()) {
      List<BeamBenchmark.Row> rs = e.getValue();
      double[] x = new double[rs.size()];
      double[] y = new double[rs.size()];
      for (int i = 0; i < rs.size(); i++) {
        x[i] = rs.get(i).batch();
        y[i] = rs.get(i).p50Ms();
      }
      chart.addSeries(e.getKey(), x, y);
    }
    return chart;
  }

  /** Writes the PNG of {@code rows} to {@code file}, atomically. */
  public static void write(Path file, List<BeamBenchmark.Row> rows, String title) {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    XYChart chart = chart(rows, title);
    AtomicFiles.write(file,
        os -> os.write(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG)));
  }
}
