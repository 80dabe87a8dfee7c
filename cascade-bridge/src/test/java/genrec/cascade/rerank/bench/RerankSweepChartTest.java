package genrec.cascade.rerank.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import genrec.cascade.eval.RerankSweep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;

class RerankSweepChartTest {
  static RerankSweep.Row row(RerankSweep.Setting s, boolean cold, double ndcg, double ild) {
    return new RerankSweep.Row(s, cold, 5, ndcg, ndcg, ild, new double[0], 0.1, Double.NaN, 0,
        Double.NaN, Double.NaN, 0);
  }

  @Test
  void oneCurvePerMethodAndWindowInThetaOrder(@TempDir Path dir) throws Exception {
    RerankSweep.Setting rel = RerankSweep.Setting.relevance();
    List<RerankSweep.Row> rows = List.of(row(rel, false, 0.3, 0.2), row(rel, true, 0.2, 0.3),
        row(new RerankSweep.Setting(RerankSweep.Method.MMR, 0.9, 0), false, 0.28, 0.3),
        row(new RerankSweep.Setting(RerankSweep.Method.MMR, 0.0, 0), false, 0.1, 0.6),
        row(new RerankSweep.Setting(RerankSweep.Method.DPP, 0.5, 3), false, 0.2, 0.4));
    RerankSweep.Report rep = new RerankSweep.Report(10, 5, 0.5, 20, List.of(), 0, Double.NaN, null, rows, 0);
    XYChart c = RerankSweepChart.chart(rep, "t");
    assertEquals(List.of("relevance", "mmr w=0", "dpp w=3"), List.copyOf(c.getSeriesMap().keySet()));
    assertArrayEquals(new double[] {0.6, 0.3}, c.getSeriesMap().get("mmr w=0").getXData());
    Path png = dir.resolve("sweep.png");
    RerankSweepChart.write(png, rep, "t");
    byte[] b = Files.readAllBytes(png);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(b, 4));
  }
}
