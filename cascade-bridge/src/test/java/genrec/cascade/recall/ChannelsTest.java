package genrec.cascade.recall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import genrec.generator.baseline.ContentKnn;
import genrec.generator.baseline.ItemKnn;
import genrec.generator.baseline.MostPop;
import genrec.generator.decode.BeamResult;
import genrec.generator.decode.BeamSearch;
import genrec.generator.decode.PrefixTrie;
import genrec.generator.model.GeneratorConfig;
import genrec.generator.model.SidTransformer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChannelsTest {
  // four items in 2-d: 0 = (1,0), 1 = (0.8,0.6), 2 = (0,1), 3 = (-0.6,0.8); all unit length
  private static final float[] VECTORS = {1, 0, 0.8f, 0.6f, 0, 1, -0.6f, 0.8f};

  /** Every list: at most n, ranks 1.., scores non-increasing, no history item. */
  private static void assertWellFormed(ChannelCandidates l, int n, int[] history, String name) {
    assertEquals(name, l.channel());
    assertTrue(l.size() <= n, l.size() + " > " + n);
    for (int i = 0; i < l.size(); i++) {
      Candidate c = l.candidates().get(i);
      assertEquals(i + 1, c.rank());
      if (i > 0) {
        assertTrue(c.score() <= l.candidates().get(i - 1).score());
      }
      for (int h : history) {
        assertTrue(c.item() != h, "history item " + h + " proposed");
      }
    }
  }

  @Test
  void contentChannelOnAHandComputedCase() {
    ContentChannel ch = new ContentChannel(ContentKnn.of(VECTORS, 2, new ContentKnn.Options(2, 0.5)));
    // history 0 then 2: weights 2/3 for item 2 (most recent), 1/3 for item 0 → q = (1/3, 2/3)
    // item 1: 0.8/3 + 1.2/3 = 2/3; item 3: -0.6/3 + 1.6/3 = 1/3
    ChannelCandidates l = ch.candidates(new int[] {0, 2}, 5);
    assertArrayEquals(new int[] {1, 3}, l.items());
    assertEquals(2 / 3.0, l.candidates().get(0).score(), 1e-6);
    assertEquals(1 / 3.0, l.candidates().get(1).score(), 1e-6);
    // n = 1 keeps the best; an empty history has nothing to say
    assertArrayEquals(new int[] {1}, ch.candidates(new int[] {0, 2}, 1).items());
    assertEquals(0, ch.candidates(new int[] {}, 3).size());
    // only item 3 seen: 2 (cos .8), 1 (cos 0), 0 (cos -.6)
    ChannelCandidates one = ch.candidates(new int[] {3}, 3);
    assertArrayEquals(new int[] {2, 1, 0}, one.items());
    assertEquals(-0.6, one.candidates().get(2).score(), 1e-6);
    assertThrows(IllegalArgumentException.class, () -> ch.candidates(new int[] {3}, 0));
  }

  @Test
  void itemKnnAndPopularityProposeOnlyItemsWithEvidence() {
    List<int[]> train = List.of(new int[] {0, 1, 2}, new int[] {0, 1}, new int[] {1, 2},
        new int[] {3, 3});
    ItemKnnChannel knn = new ItemKnnChannel(ItemKnn.fit(train, 6, new ItemKnn.Options(0, 3, 1)));
    ChannelCandidates l = knn.candidates(new int[] {0}, 10);
    assertWellFormed(l, 10, new int[] {0}, "itemknn");
    assertArrayEquals(new int[] {1, 2}, l.items()); // cos 2/sqrt(6) > 1/2; 3, 4, 5 share no user
    assertEquals(0.5f, l.candidates().get(1).score(), 1e-6f);

    PopularityChannel pop = new PopularityChannel(MostPop.fit(train, 6, true));
    ChannelCandidates p = pop.candidates(new int[] {1}, 10);
    assertWellFormed(p, 10, new int[] {1}, "popularity");
    assertArrayEquals(new int[] {0, 2, 3}, p.items()); // counts 2, 2, 2; items 4, 5 never seen
    assertArrayEquals(new int[] {0, 2}, pop.candidates(new int[] {1}, 2).items());
  }

  @Test
  void generatorChannelReturnsTheBeamSearchItemsAndLogProbabilities() {
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(1);
    try (NDManager weights = NDManager.newBaseManager()) {
      GeneratorConfig cfg = GeneratorConfig.tiny().toBuilder().optHistoryWindow(5).build();
      SidTransformer model = new SidTransformer(cfg);
      model.initialize(weights);
      Random r = new Random(4);
      int[][] codes = new int[30][];
      java.util.Map<String, Integer> dedup = new java.util.HashMap<>();
      for (int i = 0; i < codes.length; i++) {
        int a = r.nextInt(3);
        int b = 10 + r.nextInt(2);
        int c = 20 + r.nextInt(2);
        codes[i] = new int[] {a, b, c, dedup.merge(a + "," + b + "," + c, 1, Integer::sum) - 1};
      }
      PrefixTrie trie = PrefixTrie.of(codes, cfg.codebookSize());
      try (BeamSearch search = BeamSearch.builder().setModel(model).setCatalogue(trie)
          .optBeamWidth(16).optExcludeHistory(true).build()) {
        GeneratorChannel ch = new GeneratorChannel(search);
        int[] history = {3, 7, 1};
        ChannelCandidates l = ch.candidates(history, 8);
        assertWellFormed(l, 8, history, "generator");
        assertEquals(8, l.size());
        BeamResult direct = search.search(history, 8);
        assertArrayEquals(direct.items(), l.items());
        for (int i = 0; i < l.size(); i++) {
          assertEquals(direct.scores()[i], l.candidates().get(i).score(), 1e-5f);
          assertTrue(l.candidates().get(i).score() < 0); // a log-probability
        }
        assertEquals(0, ch.candidates(new int[] {}, 8).size());
        assertTrue(ch.candidates(history, 200).size() <= 30 - history.length);
      }
    }
  }
}
