package genrec.generator.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RankingMetricsTest {
  private static final double EPS = 1e-12;

  @Test
  void rankCountsHigherScores() {
    float[] s = {0.9f, 0.1f, 0.5f, 0.7f};
    assertEquals(0, RankingMetrics.rank(s, 0));
    assertEquals(1, RankingMetrics.rank(s, 3));
    assertEquals(3, RankingMetrics.rank(s, 1));
  }

  @Test
  void tiesAreBrokenAgainstTheTarget() {
    // target 2 ties with four other items at 0: it ranks after all of them and after item 0
    float[] s = {1f, 0f, 0f, 0f, 0f, 0f};
    assertEquals(5, RankingMetrics.rank(s, 2));
    // a model that scores everything equal ranks every target last
    float[] flat = new float[100];
    assertEquals(99, RankingMetrics.rank(flat, 42));
    // NaN counts as -Infinity, so it ties with excluded items
    float[] nan = {Float.NaN, Float.NEGATIVE_INFINITY, 2f};
    assertEquals(2, RankingMetrics.rank(nan, 0));
  }

  @Test
  void recallAndNdcgAtTheBoundaries() {
    int k = 10;
    // rank 0: NDCG = 1/log2(2) = 1
    assertEquals(1.0, RankingMetrics.recall(0, k), EPS);
    assertEquals(1.0, RankingMetrics.ndcg(0, k), EPS);
    // rank K-1 = 9: inside, NDCG = 1/log2(11)
    assertEquals(1.0, RankingMetrics.recall(9, k), EPS);
    assertEquals(1.0 / (Math.log(11) / Math.log(2)), RankingMetrics.ndcg(9, k), EPS);
    assertEquals(0.289064826317888, RankingMetrics.ndcg(9, k), 1e-12);
    // rank K = 10: outside
    assertEquals(0.0, RankingMetrics.recall(10, k), EPS);
    assertEquals(0.0, RankingMetrics.ndcg(10, k), EPS);
    // rank 2 at K=5: 1/log2(4) = 0.5
    assertEquals(0.5, RankingMetrics.ndcg(2, 5), EPS);
  }

  @Test
  void topKIsOrderedWithTiesByIndexAndSkipsExcluded() {
    float[] s = {0.5f, Float.NEGATIVE_INFINITY, 0.9f, 0.5f, Float.NaN, 0.1f};
    assertArrayEquals(new int[] {2, 0, 3}, RankingMetrics.topK(s, 3));
    assertArrayEquals(new int[] {2, 0, 3, 5}, RankingMetrics.topK(s, 10));
  }
}
