package genrec.generator.train;

import genrec.core.io.AtomicFiles;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * A PNG of a training run's learning curve: validation NDCG@10 and Recall@10 (the fixed
 * validation subset) against the optimiser step, written beside {@code learning-curve.csv}.
 */
public final class LearningCurveChart {
  private LearningCurveChart() {}

  /** The chart of {@code curve} (at least one point). */
  public static XYChart chart(List<TrainResult.CurvePoint> curve, String title) {
    if (curve.isEmpty()) {
      throw new IllegalArgumentException("no validation points to chart");
    }
    double[] step = new double[curve.size()];
    double[] ndcg = new double[curve.size()];
    double[] recall = new double[curve.size()];
    for (int i = 0; i < curve.size(); i++) {
      TrainResult.CurvePoint p = curve.get(i);
      step[i] = p.step();
      ndcg[i] = p.valNdcg10();
      recall[i] = p.valRecall10();
    }
    XYChart chart = new XYChartBuilder().width(900).height(500).title(title)
        .xAxisTitle("step").yAxisTitle("validation subset").build();
    chart.getStyler().setLegendVisible(true);
    chart.addSeries("NDCG@10", step, ndcg);
    chart.addSeries("Recall@10", step, recall);
    return chart;
  }

  /** Writes the PNG of {@code curve} to {@code file}, atomically; nothing for an empty curve. */
  public static void write(Path file, List<TrainResult.CurvePoint> curve, String title) {
    if (curve.isEmpty()) {
      return;
    }
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    XYChart chart = chart(curve, title);
    AtomicFiles.write(file,
        os -> os.write(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG)));
  }
}
