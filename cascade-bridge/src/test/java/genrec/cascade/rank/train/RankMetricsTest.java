package genrec.cascade.rank.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import genrec.cascade.rank.model.RankerConfig;
import genrec.cascade.rank.model.ScoreFusion;
import java.util.List;
import org.junit.jupiter.api.Test;

/** AUC, GAUC, the fusion formula and the loss against hand-computed answers. */
class RankMetricsTest {

  @Test
  void aucCountsPairsAndTiesHalf() {
    // positives 0.9, 0.4; negatives 0.5, 0.1: pairs (0.9>0.5) (0.9>0.1) (0.4<0.5) (0.4>0.1) = 3/4
    assertEquals(0.75, RankMetrics.auc(new float[] {0.9f, 0.5f, 0.4f, 0.1f},
        new float[] {1, 0, 1, 0}), 1e-12);
    // a tie between a positive and a negative counts half: (1 + 0.5) / 2
    assertEquals(0.75, RankMetrics.auc(new float[] {0.3f, 0.3f, 0.1f},
        new float[] {1, 0, 0}), 1e-12);
    // all scores equal: 0.5
    assertEquals(0.5, RankMetrics.auc(new float[] {2f, 2f, 2f, 2f},
        new float[] {1, 0, 1, 0}), 1e-12);
    // perfect and reversed
    assertEquals(1.0, RankMetrics.auc(new float[] {3, 2, 1}, new float[] {1, 1, 0}), 1e-12);
    assertEquals(0.0, RankMetrics.auc(new float[] {1, 2, 3}, new float[] {1, 1, 0}), 1e-12);
    // one class only: NaN
    assertTrue(Double.isNaN(RankMetrics.auc(new float[] {1, 2}, new float[] {1, 1})));
    assertTrue(Double.isNaN(RankMetrics.auc(new float[0], new float[0])));
  }

  @Test
  void aucRejectsBadInput() {
    assertThrows(IllegalArgumentException.class,
        () -> RankMetrics.auc(new float[] {1, 2}, new float[] {1}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RankMetrics.auc(new float[] {1, 2}, new float[] {1, 0.5f}));
    assertTrue(e.getMessage().contains("labels[1]=0.5"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> RankMetrics.auc(new float[] {Float.NaN, 2}, new float[] {1, 0}));
  }

  @Test
  void gaucWeighsGroupsByImpressionsAndSkipsOneClassGroups() {
    // group 7 (3 rows): pos 0.8, neg 0.9, 0.1 -> AUC 1/2; group 2 (2 rows): perfect -> 1;
    // group 5: only negatives -> skipped; group 9: only positives -> skipped
    float[] s = {0.8f, 0.5f, 0.9f, 0.2f, 0.1f, 0.3f, 0.4f, 0.6f};
    float[] y = {1, 1, 0, 0, 0, 0, 1, 1};
    int[] g = {7, 2, 7, 2, 7, 5, 9, 9};
    double want = (3 * 0.5 + 2 * 1.0) / 5;
    assertEquals(want, RankMetrics.gauc(s, y, g), 1e-12);
    // the overall AUC differs: it compares across groups (each positive beats 3 of 4 negatives)
    assertEquals(12.0 / 16, RankMetrics.auc(s, y), 1e-12);
    assertTrue(Double.isNaN(RankMetrics.gauc(new float[] {1, 2}, new float[] {1, 0},
        new int[] {0, 1})));
    assertThrows(IllegalArgumentException.class,
        () -> RankMetrics.gauc(s, y, new int[] {1}));
  }

  @Test
  void fusionIsTheWeightedLogProductOfProbabilities() {
    ScoreFusion f = new ScoreFusion(List.of(1f, 0.5f));
    float[] z = {0.3f, -1.2f};
    double p0 = 1 / (1 + Math.exp(-0.3));
    double p1 = 1 / (1 + Math.exp(1.2));
    assertEquals(Math.log(p0) + 0.5 * Math.log(p1), f.score(z), 1e-6);
    assertEquals(Math.log(p0 * Math.sqrt(p1)), f.score(new float[] {9f, 0.3f, -1.2f}, 1), 1e-6);
    // default weights: the first task's log-probability alone
    ScoreFusion d = ScoreFusion.of(RankerConfig.tiny());
    assertEquals(Math.log(p0), d.score(z), 1e-6);
    // stable for large logits
    assertEquals(-1000.0, ScoreFusion.logSigmoid(-1000), 1e-9);
    assertEquals(0.0, ScoreFusion.logSigmoid(1000), 1e-12);
    assertEquals(1.0, ScoreFusion.sigmoid(800), 1e-12);
    assertEquals(0.0, ScoreFusion.sigmoid(-800), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> new ScoreFusion(List.of(0f, 0f)));
    assertThrows(IllegalArgumentException.class, () -> new ScoreFusion(List.of(Float.NaN)));
  }

  @Test
  void maskedBceAveragesKnownLabelsOnly() {
    float[] z = {0.5f, -2f, 3f, 0.1f};
    float[] y = {1, 0, 0, 1};
    float[] mask = {1, 1, 0, 1}; // the third label is unknown
    double want = 0;
    for (int i = 0; i < 4; i++) {
      double p = 1 / (1 + Math.exp(-z[i]));
      double l = -(y[i] * Math.log(p) + (1 - y[i]) * Math.log(1 - p));
      want += mask[i] * l;
    }
    want /= 3;
    try (NDManager m = NDManager.newBaseManager()) {
      float got = RankLoss.maskedBce(m.create(z, new Shape(2, 2)), m.create(y, new Shape(2, 2)),
          m.create(mask, new Shape(2, 2))).getFloat();
      assertEquals(want, got, 1e-5);
      // no known label: 0, not NaN
      float none = RankLoss.maskedBce(m.create(z, new Shape(2, 2)),
          m.create(y, new Shape(2, 2)), m.zeros(new Shape(2, 2))).getFloat();
      assertEquals(0f, none);
      // large logits stay finite
      float big = RankLoss.maskedBce(m.create(new float[] {80f, -80f}, new Shape(1, 2)),
          m.create(new float[] {0, 1}, new Shape(1, 2)), m.ones(new Shape(1, 2))).getFloat();
      assertEquals(80f, big, 1e-3f);
    }
  }
}
