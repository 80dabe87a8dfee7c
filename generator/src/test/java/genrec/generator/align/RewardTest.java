package genrec.generator.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class RewardTest {
  /** Relevance = item / 10; cosine 0.5 between items of equal parity, 0 otherwise. */
  private static final ItemRewardModel REL = (history, items) -> {
    float[] out = new float[items.length];
    for (int i = 0; i < items.length; i++) {
      out[i] = items[i] / 10f;
    }
    return out;
  };
  private static final ItemSimilarity COS = (a, b) -> (a % 2) == (b % 2) ? 0.5f : 0f;

  @Test
  void handComputedList() {
    BitSet fresh = new BitSet();
    fresh.set(4);
    CompositeReward r = new CompositeReward(REL, new RewardWeights(1, 2, 0.5, 1), COS, fresh);
    // history {2, 9}; list [2, 3, 4]: relevance .2 .3 .4 (mean .3)
    // cosines: (2,3)=0 (2,4)=.5 (3,4)=0 -> mean pairwise 1/6, diversity 5/6
    // per-item diversity: 2 -> 1-(0+.5)/2=.75, 3 -> 1-0=1, 4 -> .75
    // new: item 4 (share 1/3); history: item 2 (share 1/3)
    Reward.Scored s = r.score(new int[] {2, 9}, new int[] {2, 3, 4});
    assertEquals(0.3, s.relevance(), 1e-6);
    assertEquals(5.0 / 6, s.diversity(), 1e-6);
    assertEquals(1.0 / 3, s.newShare(), 1e-9);
    assertEquals(1.0 / 3, s.historyShare(), 1e-9);
    double list = 0.3 + 2 * 5.0 / 6 + 0.5 / 3 - 1.0 / 3;
    assertEquals(list, s.list(), 1e-6);
    assertArrayEquals(new float[] {0.2f + 1.5f - 1f, 0.3f + 2f, 0.4f + 1.5f + 0.5f},
        s.perItem(), 1e-6f);
    double mean = (s.perItem()[0] + s.perItem()[1] + s.perItem()[2]) / 3;
    assertEquals(s.list(), mean, 1e-6); // the list reward is the mean of the item rewards
  }

  @Test
  void defaultsIgnoreDiversityAndNovelty() {
    CompositeReward r = new CompositeReward(REL, RewardWeights.defaults(), null, null);
    Reward.Scored s = r.score(new int[] {5}, new int[] {5, 6});
    assertEquals((0.5 + 0.6) / 2 - 0.5, s.list(), 1e-6);
    assertEquals(0, s.diversity());
  }

  @Test
  void weightsParseAndValidate() {
    assertEquals(new RewardWeights(1, 0, 0, 1), RewardWeights.parse("rel=1,div=0,new=0,hist=1"));
    assertEquals(new RewardWeights(2, 0.5, 0, 1), RewardWeights.parse("rel=2, div=0.5"));
    assertEquals("rel=2,div=0.5,new=0,hist=1", RewardWeights.parse("rel=2,div=0.5").toString());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> RewardWeights.parse("fun=1")).getMessage().contains("unknown reward weight 'fun'"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> RewardWeights.parse("rel=-1")).getMessage().contains("rel=-1.0"));
    assertThrows(IllegalArgumentException.class, () -> RewardWeights.parse("rel"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new CompositeReward(REL, RewardWeights.parse("div=1"), null, null))
        .getMessage().contains("needs item vectors"));
    assertThrows(IllegalArgumentException.class,
        () -> new CompositeReward(REL, RewardWeights.parse("new=1"), null, null));
  }
}
