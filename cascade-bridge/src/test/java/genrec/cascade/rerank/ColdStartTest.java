package genrec.cascade.rerank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.cascade.exposure.ItemExposureCounts;
import genrec.cascade.exposure.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ColdStartTest {
  static Candidates candidates() {
    // o1..o4 old, n1 new with the lowest score
    return Candidates.builder().setIds(List.of("o1", "o2", "o3", "o4", "n1")).setScores(new double[] {5, 4, 3, 2, 1}).build();
  }

  @Test
  void shareGuaranteesASlotUntilTheCap() {
    MutableClock clock = new MutableClock(0);
    FreshItems fresh = new FreshItems(null);
    fresh.added("n1", Instant.EPOCH);
    ItemExposureCounts counts = new ItemExposureCounts();
    ColdStart cs = ColdStart.builder().setFreshItems(fresh).setExposureCounts(counts).optShare(2).optCap(2).optClock(clock).build();
    RerankPipeline p = RerankPipeline.builder().setReranker(ScoreOrder.instance()).optColdStart(cs).build();
    // one new item in every 2 slots: n1 takes slot 1, twice; then it is at the cap
    assertEquals(List.of("o1", "n1", "o2"), p.rerank(candidates(), 3).ids());
    assertEquals(List.of("o1", "n1", "o2"), p.rerank(candidates(), 3).ids());
    assertEquals(2, counts.count("n1"));
    RerankResult third = p.rerank(candidates(), 3);
    assertEquals(List.of("o1", "o2", "o3"), third.ids());
    assertEquals(List.of("cold start: 0 new candidates boosted by 0.0, 1 at the exposure cap of 2"), third.notes());
    assertEquals(2, counts.count("n1"));
  }

  @Test
  void boostAddsToTheScoreAndAgeEndsNewness() {
    MutableClock clock = new MutableClock(0);
    FreshItems fresh = new FreshItems(Duration.ofHours(1));
    fresh.added("n1", Instant.EPOCH);
    ColdStart cs = ColdStart.builder().setFreshItems(fresh).setExposureCounts(new ItemExposureCounts())
        .optBoost(2.5).optClock(clock).build();
    RerankPipeline p = RerankPipeline.builder().setReranker(ScoreOrder.instance()).optColdStart(cs).build();
    // 1 + 2.5 = 3.5 sits between o2 (4) and o3 (3)
    assertEquals(List.of("o1", "o2", "n1", "o3"), p.rerank(candidates(), 4).ids());
    clock.set(Duration.ofHours(1).toMillis());
    assertFalse(fresh.isNew("n1", clock.instant()));
    RerankResult later = p.rerank(candidates(), 4);
    assertEquals(List.of("o1", "o2", "o3", "o4"), later.ids());
    assertTrue(later.notes().isEmpty());
  }

  @Test
  void badParametersNameTheValue() {
    FreshItems fresh = new FreshItems(null);
    ItemExposureCounts counts = new ItemExposureCounts();
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> ColdStart.builder().setFreshItems(fresh).setExposureCounts(counts).optBoost(-1).build()).getMessage().contains("boost=-1.0"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> ColdStart.builder().setFreshItems(fresh).setExposureCounts(counts).optCap(0).build()).getMessage().contains("cap=0"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> ColdStart.builder().setFreshItems(fresh).setExposureCounts(counts).optShare(-1).build()).getMessage().contains("share=-1"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new FreshItems(Duration.ZERO)).getMessage().contains("maxAge=PT0S"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ColdStart.builder().build()).getMessage().contains("fresh items"));
  }
}
