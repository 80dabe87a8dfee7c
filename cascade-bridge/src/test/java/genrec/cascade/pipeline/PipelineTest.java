package genrec.cascade.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.cascade.exposure.ItemExposureCounts;
import genrec.cascade.recall.ChannelCandidates;
import genrec.cascade.recall.GeneratorChannel;
import genrec.generator.baseline.ItemKnn;
import genrec.generator.decode.BeamResult;
import genrec.quantizer.catalog.Catalog;
import genrec.quantizer.catalog.Item;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's stages on a hand-made catalogue of five items whose training counts are 5, 4,
 * 3, 2, 1: reciprocal-rank fusion, the ranking hook, the exposure filter and record, the
 * generator's conversion, and the errors naming what a run lacks.
 */
class PipelineTest {
  private static final List<int[]> FIT = List.of(new int[] {0, 1, 2, 3, 4},
      new int[] {0, 1, 2, 3}, new int[] {0, 1, 2}, new int[] {0, 1}, new int[] {0});

  private static Pipeline.Builder parts() {
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      items.add(new Item("i" + i, "item " + i, "", List.of(i % 2 == 0 ? "even" : "odd"),
          List.of()));
    }
    Catalog catalog = new Catalog(items);
    int[][] codes = {{0, 0, 0, 0}, {0, 1, 0, 0}, {1, 0, 0, 0}, {1, 1, 0, 0}, {2, 0, 0, 0}};
    return Pipeline.builder().setItems(ItemView.of(catalog, codes))
        .setRecall(RecallChannels.fit(FIT, 5, new ItemKnn.Options(0, 3, 1), null));
  }

  private static CascadeRequest.Builder popularity3(int... history) {
    return CascadeRequest.builder().setHistory(history).optK(3).optQuotas("popularity=3");
  }

  @Test
  void popularityAloneIsFusedByReciprocalRank() {
    Pipeline p = parts().build();
    CascadeResult r = p.recommend(popularity3(4).build());
    assertArrayEquals(new int[] {0, 1, 2}, r.items());
    for (int i = 0; i < 3; i++) {
      CascadeResult.Slot s = r.slots().get(i);
      assertEquals(1.0 / (Pipeline.RRF_K + i + 1), s.rerank(), 1e-12);
      assertEquals("popularity", s.channel());
      assertEquals(5 - i, s.recall(), 0f);
      assertTrue(Float.isNaN(s.rank()));
    }
    assertEquals(3, r.candidates()); // each channel lists as many as the quotas sum to
    assertEquals(List.of("exposure", "recall", "rerank"), List.copyOf(r.stageNanos().keySet()));
    assertEquals("score", r.reranker());
  }

  @Test
  void aScorerRanksTheMergedList() {
    // scores each candidate by its item index: the least popular first
    Pipeline p = parts().optScorer((history, m) -> {
      float[] s = new float[m.size()];
      for (int i = 0; i < s.length; i++) {
        s[i] = m.items()[i];
      }
      return s;
    }).build();
    CascadeResult r = p.recommend(popularity3(4).build());
    assertArrayEquals(new int[] {2, 1, 0}, r.items());
    assertEquals(2f, r.slots().get(0).rank());
    assertTrue(r.ranked());
    CascadeResult off = p.recommend(popularity3(4).optRank(false).build());
    assertArrayEquals(new int[] {0, 1, 2}, off.items());
    Pipeline.Ranked ranked = p.rank(popularity3(4).build());
    assertArrayEquals(new int[] {0, 1, 2}, ranked.merged().items());
    assertArrayEquals(new float[] {0, 1, 2}, ranked.scores());
  }

  @Test
  void shownItemsAreFilteredAndReturnedOnesRecorded() {
    List<String> recorded = new ArrayList<>();
    ExposureLog log = new ExposureLog() {
      private final ItemExposureCounts counts = new ItemExposureCounts();

      @Override
      public boolean seen(String user, String item) {
        return user.equals("u") && item.equals("i0");
      }

      @Override
      public void record(String user, Collection<String> items) {
        recorded.add(user + ":" + String.join(",", items));
      }

      @Override
      public ItemExposureCounts counts() {
        return counts;
      }

      @Override
      public void countsChanged() {}
    };
    Pipeline p = parts().optExposure(log).build();
    CascadeResult r = p.recommend(popularity3(4).optUserId("u").optRecordExposure(true).build());
    assertArrayEquals(new int[] {1, 2, 3}, r.items());
    assertEquals(1, r.filtered());
    assertEquals(1.0 / (Pipeline.RRF_K + 1), r.slots().get(0).rerank(), 1e-12, "renumbered");
    assertEquals(List.of("u:i1,i2,i3"), recorded);
    assertArrayEquals(new int[] {0, 1, 2}, p.recommend(popularity3(4).optUserId("v").build())
        .items());
    assertArrayEquals(new int[] {0, 1, 2}, p.recommend(popularity3(4).optUserId("u")
        .optExposureFilter(false).build()).items());
  }

  @Test
  void theGeneratorsHypothesesBecomeOneChannelList() {
    BeamResult b = new BeamResult(new int[] {5, -1, 2, 7, 3, 9},
        new float[] {-1f, -2f, Float.NaN, -0.5f, -3f, -4f}, new int[6][]);
    ChannelCandidates l = GeneratorChannel.of(b, new int[] {3}, Integer.MAX_VALUE);
    assertArrayEquals(new int[] {5, 7, 9}, l.items());
    assertEquals(-1f, l.candidates().get(1).score(), "a rise is lowered to the score before it");
    assertEquals(-4f, l.candidates().get(2).score());
    assertEquals(3, l.candidates().get(2).rank());
    assertArrayEquals(new int[] {5, 7}, GeneratorChannel.of(b, new int[] {3}, 2).items());
  }

  @Test
  void aChannelTheRunLacksIsNamedWithItsCommand() {
    Pipeline p = parts().build();
    IllegalArgumentException gen = assertThrows(IllegalArgumentException.class,
        () -> p.recommend(CascadeRequest.builder().setHistory(new int[] {1})
            .optQuotas("generator=5").build()));
    assertEquals("the run has no trained generator (generator/model.bin; 'genrec train')",
        gen.getMessage());
    IllegalArgumentException content = assertThrows(IllegalArgumentException.class,
        () -> p.recommend(CascadeRequest.builder().setHistory(new int[] {1})
            .optQuotas("content=5").build()));
    assertTrue(content.getMessage().contains("'genrec embed'"), content.getMessage());
    assertTrue(p.has("popularity") && p.has("itemknn") && !p.has("content")
        && !p.has("generator"));
  }

  @Test
  void badRequestsAndPartsNameTheValue() {
    assertEquals("k=0 must be >= 1", assertThrows(IllegalArgumentException.class,
        () -> popularity3(1).optK(0).build()).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> popularity3(1).optRerank("sort", 0.5, 0).build()).getMessage()
        .startsWith("rerank='sort'"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> popularity3(1).optRerank("mmr", 1.5, 0).build()).getMessage()
        .startsWith("theta=1.5"));
    assertEquals("recordExposure=true needs a userId", assertThrows(
        IllegalArgumentException.class,
        () -> popularity3(1).optRecordExposure(true).build()).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> popularity3(1).optQuotas(java.util.Map.of("swing", 3)).build()).getMessage()
        .contains("unknown channel 'swing'"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> CascadeRequest.builder().optK(3).build()).getMessage().startsWith("history"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> Pipeline.builder().build()).getMessage().startsWith("items"));
    assertEquals(Set.of("generator", "itemknn", "content", "popularity"),
        CascadeRequest.CHANNELS);
  }
}
