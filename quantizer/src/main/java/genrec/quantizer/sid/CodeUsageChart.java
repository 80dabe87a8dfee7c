package genrec.quantizer.sid;

import genrec.core.io.AtomicFiles;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A PNG of code usage per level: each level's code counts sorted from most to least used, one
 * line per level. A healthy codebook is a gentle slope across all K codes; collapse shows as a
 * spike at the left and a long flat zero tail.
 */
public final class CodeUsageChart {
  private CodeUsageChart() {}

  /** Builds the chart for {@code stats} (one entry per level). */
  public static XYChart chart(List<CodebookStats> stats, String title) {
    XYChart chart =
        new XYChartBuilder()
            .width(900)
            .height(500)
            .title(title)
            .xAxisTitle("code rank (most used first)")
            .yAxisTitle("items")
            .build();
    chart.getStyler().setLegendVisible(true);
    for (CodebookStats s : stats) {
      long[] counts = s.counts().clone();
      Arrays.sort(counts);
      double[] x = new double[counts.length];
      double[] y = new double[counts.length];
      for (int i = 0; i < counts.length; i++) {
        x[i] = i + 1;
        y[i] = counts[counts.length - 1 - i];
      }
      chart
          .addSeries(
              String.format(
                  java.util.Locale.ROOT, "level %d (util %.2f, ppl %.1f)", s.level() + 1,
                  s.utilisation(), s.perplexity()),
              x,
              y)
          .setMarker(SeriesMarkers.NONE);
    }
    return chart;
  }

  /** Writes the PNG for {@code stats} to {@code file}, atomically. */
  public static void write(Path file, List<CodebookStats> stats, String title) {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    XYChart chart = chart(stats, title);
    AtomicFiles.write(
        file, os -> os.write(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG)));
  }

  /** Writes the PNG of a table's three prefix levels. */
  public static void write(Path file, SemanticIdTable table) {
    write(file, CodebookStats.of(table.prefixCodes(), table.codebookSize()),
        "Code usage per level (" + table.size() + " items)");
  }
}
