package genrec.cascade.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import genrec.cascade.eval.RerankSweep.Setting;
import genrec.cascade.rerank.TextVectorSimilarity;
import genrec.core.io.Progress;
import genrec.generator.eval.RankingMetrics;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sweep's relevance measures are {@link RankingMetrics}' on the target's slot: hand cases. */
class RerankSweepMetricsTest {
  private static final List<String> IDS = List.of("a", "b", "c", "d", "e");

  private static RerankSweep sweep(int k, boolean[] fresh, int share) {
    RerankSweep.Builder b = RerankSweep.builder().setItemIds(IDS)
        .setSimilarity(TextVectorSimilarity.source(id -> new float[] {1, 0})).optK(k);
    if (fresh != null) {
      b.optNewItems(fresh).optColdStart(share, 0, 1000);
    }
    return b.build();
  }

  @Test
  void relevanceOrderMatchesRankingMetrics() {
    // candidates a > b > c > d by score; relevance order keeps them: targets at slots 2, 0, miss
    List<RerankSweep.Case> cases = List.of(
        new RerankSweep.Case(new int[] {0, 1, 2, 3}, new double[] {4, 3, 2, 1}, 2),
        new RerankSweep.Case(new int[] {0, 1, 2, 3}, new double[] {4, 3, 2, 1}, 0),
        new RerankSweep.Case(new int[] {0, 1, 2, 3}, new double[] {4, 3, 2, 1}, 3),
        new RerankSweep.Case(new int[] {1, 2}, new double[] {2, 1}, 4));
    RerankSweep.Row r = sweep(3, null, 0).run(cases, List.of(Setting.relevance()),
        Progress.silent()).rows().get(0);
    double ndcg = (RankingMetrics.ndcg(2, 3) + RankingMetrics.ndcg(0, 3)) / 4;
    assertEquals((0.5 + 1.0) / 4, ndcg, 1e-15); // 1 / log2(4) = 0.5 and 1 / log2(2) = 1
    assertEquals(ndcg, r.ndcg(), 1e-15);
    assertEquals(2.0 / 4, r.recall(), 1e-15);
    assertEquals(4, r.users());
    assertEquals(0, r.relaxed());
  }

  @Test
  void relaxedSlotsAreCountedFromTheResults() {
    // only d is new; one new item in every slot (share 1): slot 0 takes d, slots 1 and 2 find
    // no new item left and relax the share rule
    boolean[] fresh = {false, false, false, true, false};
    List<RerankSweep.Case> cases = List.of(
        new RerankSweep.Case(new int[] {0, 1, 2, 3}, new double[] {4, 3, 2, 1}, 3));
    RerankSweep.Report rep = sweep(3, fresh, 1).run(cases, List.of(Setting.relevance()),
        Progress.silent());
    RerankSweep.Row without = rep.row(Setting.relevance(), false);
    RerankSweep.Row with = rep.row(Setting.relevance(), true);
    assertEquals(0, without.relaxed());
    assertEquals(0.0, without.ndcg(), 0); // d is 4th by score: outside the top 3
    assertEquals(2, with.relaxed());
    assertEquals(RankingMetrics.ndcg(0, 3), with.ndcg(), 1e-15); // d took slot 0
    assertEquals(1, with.coldUsers());
  }
}
