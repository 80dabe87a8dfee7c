package genrec.generator.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import genrec.core.io.Progress;
import genrec.generator.data.LeaveOneOutSplit.EvalCase;
import genrec.generator.eval.EvalReport;
import genrec.generator.eval.Evaluator;
import genrec.generator.model.EncoderOutput;
import genrec.generator.model.SidTransformer;
import genrec.generator.model.SidVocabulary;
import genrec.generator.model.TestModels;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Beam search on a random-weight tiny model and a bushy 40-item catalogue. */
class BeamSearchTest {
  private static final int ITEMS = 40;
  private static NDManager weights;
  private static SidTransformer model;
  private static int[][] codes;
  private static int[][] histories;

  @BeforeAll
  static void setUp() {
    weights = NDManager.newBaseManager();
    model = DecodeFixtures.model(weights);
    codes = DecodeFixtures.clusteredCodes(ITEMS, 9);
    histories = TestModels.randomHistories(6, ITEMS, 9, 10);
  }

  @AfterAll
  static void tearDown() {
    weights.close();
  }

  private static BeamSearch.Builder search(PrefixTrie trie) {
    return BeamSearch.builder().setModel(model).setCatalogue(trie);
  }

  @Test
  void cachedAndUncachedSearchesAgree() {
    PrefixTrie trie = PrefixTrie.of(codes, 256);
    for (int width : new int[] {1, 5}) {
      List<BeamResult> cached = search(trie).optBeamWidth(width).build()
          .search(histories, null, 4);
      List<BeamResult> uncached = search(trie).optBeamWidth(width).optUseCache(false).build()
          .search(histories, null, 4);
      for (int u = 0; u < histories.length; u++) {
        assertArrayEquals(uncached.get(u).items(), cached.get(u).items(), "W=" + width);
        assertArrayEquals(uncached.get(u).scores(), cached.get(u).scores(), 1e-4f);
        // W=1 keeps one 3-code prefix, and few items share it: fewer than K may come back
        assertEquals(width == 1 ? Math.min(4, siblings(trie, cached.get(u).paths()[0])) : 4,
            cached.get(u).size());
      }
    }
  }

  @Test
  void beamWidthOneIsGreedyDecoding() {
    PrefixTrie trie = PrefixTrie.of(codes, 256);
    List<BeamResult> beam = search(trie).optGreedy().build().search(histories, null, 1);
    try (NDManager m = weights.newSubManager()) {
      ParameterStore ps = new ParameterStore(m, false);
      SidVocabulary vocab = model.vocabulary();
      for (int u = 0; u < histories.length; u++) {
        // reference: argmax over allowed codes with the full uncached decoder pass
        EncoderOutput enc = model.encode(ps,
            model.encoderTokens(m, new int[][] {histories[u]}, null, codes), false);
        int[] path = new int[4];
        int[] ids = {SidVocabulary.BOS, 0, 0, 0, 0};
        double score = 0;
        for (int t = 0; t < 4; t++) {
          NDArray prefix = m.create(Arrays.copyOf(ids, t + 1), new Shape(1, t + 1)); // (1, t+1)
          float[] logp = model.decode(ps, prefix, enc, false) // (1, t+1, K)
              .get(new NDIndex(":, {}", t)).logSoftmax(-1).toFloatArray(); // (1, K)
          int best = -1;
          for (int code : trie.allowedNext(Arrays.copyOf(path, t))) {
            if (best < 0 || logp[code] > logp[best]) {
              best = code;
            }
          }
          path[t] = best;
          score += logp[best];
          ids[t + 1] = vocab.codeToken(t, best);
        }
        assertEquals(1, beam.get(u).size());
        assertArrayEquals(path, beam.get(u).paths()[0]);
        assertEquals(trie.itemOf(path), beam.get(u).items()[0]);
        assertEquals(score, beam.get(u).scores()[0], 1e-4);
      }
    }
  }

  @Test
  void beamFindsAtLeastAsLikelyPathsAsGreedyAndSortsThem() {
    PrefixTrie trie = PrefixTrie.of(codes, 256);
    List<BeamResult> greedy = search(trie).optGreedy().build().search(histories, null, 1);
    List<BeamResult> beam = search(trie).optBeamWidth(8).build().search(histories, null, 5);
    for (int u = 0; u < histories.length; u++) {
      float[] s = beam.get(u).scores();
      assertTrue(s[0] >= greedy.get(u).scores()[0] - 1e-5f);
      for (int i = 1; i < s.length; i++) {
        assertTrue(s[i - 1] >= s[i]);
      }
      assertEquals(5, new HashSet<>(Arrays.stream(beam.get(u).items()).boxed().toList()).size());
    }
  }

  @Test
  void constrainedSearchIsAlwaysValidAndFreeSearchIsNot() {
    PrefixTrie trie = PrefixTrie.of(codes, 256);
    List<BeamResult> constrained = search(trie).optBeamWidth(6).build()
        .search(histories, null, 10);
    List<BeamResult> free = search(trie).optBeamWidth(6).optConstraint(new Unconstrained(trie))
        .build().search(histories, null, 10);
    int invalid = 0;
    for (int u = 0; u < histories.length; u++) {
      assertEquals(10, constrained.get(u).size());
      assertEquals(0, constrained.get(u).invalidCount());
      for (int item : constrained.get(u).items()) {
        assertTrue(item >= 0 && item < ITEMS);
      }
      invalid += free.get(u).invalidCount();
      // the free search is not worse in likelihood: it searches a superset
      assertTrue(free.get(u).scores()[0] >= constrained.get(u).scores()[0] - 1e-5f);
    }
    assertTrue(invalid > 0, "random weights should produce some invalid paths");
  }

  @Test
  void itemsAddedAtRunTimeCanBeGenerated() {
    int[][] few = Arrays.copyOf(codes, 6);
    PrefixTrie trie = PrefixTrie.of(few, 256);
    BeamSearch search = search(trie).optBeamWidth(16).build();
    int[] history = {0, 1};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> search.search(history, 7));
    assertEquals("topK=7 is larger than the catalogue (6 items)", e.getMessage());
    int added = trie.add(new int[] {200, 201, 202, 203}); // a brand-new branch of the trie
    assertEquals(6, added);
    BeamResult r = search.search(history, 7);
    assertTrue(Arrays.stream(r.items()).anyMatch(i -> i == added), Arrays.toString(r.items()));
    // and the new item may now appear in histories too
    assertEquals(1, search.search(new int[] {added}, 1).size());
    // with the new item as the only catalogue entry it is the only answer
    PrefixTrie only = new PrefixTrie(4, 256);
    only.add(new int[] {7, 7, 7, 7});
    BeamResult one = search(only).optBeamWidth(3).build().search(new int[] {0}, 1);
    assertArrayEquals(new int[] {0}, one.items());
  }

  @Test
  void historyItemsAreExcludedWhenAsked() {
    PrefixTrie trie = PrefixTrie.of(Arrays.copyOf(codes, 6), 256);
    int[] history = {0, 2, 2};
    BeamResult all = search(trie).optBeamWidth(8).build().search(history, 6);
    Set<Integer> allItems = new HashSet<>(Arrays.stream(all.items()).boxed().toList());
    assertEquals(Set.of(0, 1, 2, 3, 4, 5), allItems);
    BeamResult excl = search(trie).optBeamWidth(8).optExcludeHistory(true).build()
        .search(history, 6);
    Set<Integer> exclItems = new HashSet<>(Arrays.stream(excl.items()).boxed().toList());
    assertEquals(Set.of(1, 3, 4, 5), exclItems); // fewer than K: only 4 items remain
    assertFalse(exclItems.contains(0));
  }

  @Test
  void badArgumentsAreRejectedWithClearMessages() {
    PrefixTrie trie = PrefixTrie.of(codes, 256);
    BeamSearch s = search(trie).build();
    assertMessage("topK=0 must be >= 1", () -> s.search(new int[] {1}, 0));
    assertMessage("topK=41 is larger than the catalogue (40 items)",
        () -> s.search(new int[] {1}, 41));
    assertMessage("beamWidth=0 must be >= 1", () -> search(trie).optBeamWidth(0).build());
    assertMessage("history of user 0 is empty", () -> s.search(new int[0], 3));
    assertMessage("history of user 1 has item 40 outside [0, 40)",
        () -> s.search(new int[][] {{1}, {2, 40}}, null, 3));
    assertMessage("history of user 0 has item -1 outside [0, 40)",
        () -> s.search(new int[] {-1}, 3));
    assertMessage("no users to decode for", () -> s.search(new int[0][], null, 3));
    assertMessage("catalogue has levels=3 but the model decodes levels=4",
        () -> search(new PrefixTrie(3, 256)).build());
    assertMessage("codes [0, 10, 100, 0] already name item 0",
        () -> PrefixTrie.of(new int[][] {{0, 10, 100, 0}, {0, 10, 100, 0}}, 256));
    assertMessage("code 256 at level 1 is outside [0, 256)",
        () -> trie.add(new int[] {1, 256, 1, 1}));
  }

  @Test
  void recommenderAdapterScoresOnlyGeneratedItems() {
    PrefixTrie trie = PrefixTrie.of(codes, 256);
    BeamSearch s = search(trie).optBeamWidth(5).optExcludeHistory(true).build();
    GenerativeRecommender rec = new GenerativeRecommender(s, 10, "TIGER");
    assertEquals(ITEMS, rec.numItems());
    float[] scores = new float[ITEMS];
    rec.score(histories[0], scores);
    BeamResult r = s.search(histories[0], 10);
    int finite = 0;
    for (int i = 0; i < ITEMS; i++) {
      if (scores[i] != Float.NEGATIVE_INFINITY) {
        finite++;
      }
    }
    assertEquals(r.size(), finite);
    for (int j = 0; j < r.size(); j++) {
      assertEquals(r.scores()[j], scores[r.items()[j]], 1e-6f);
    }
    for (int h : histories[0]) {
      assertEquals(Float.NEGATIVE_INFINITY, scores[h]);
    }
  }

  @Test
  void searchLeavesNothingOnTheModelsManagerAndCloseFreesTheFoldedWeights() {
    PrefixTrie trie = PrefixTrie.of(codes, 256);
    int before = weights.getManagedArrays().size();
    try (BeamSearch cached = search(trie).optBeamWidth(4).build();
        BeamSearch uncached = search(trie).optBeamWidth(4).optUseCache(false).build()) {
      int built = weights.getManagedArrays().size();
      assertTrue(built > before, "the cached search holds its folded decoder weights");
      cached.search(histories, null, 3);
      uncached.search(histories, null, 3);
      assertEquals(built, weights.getManagedArrays().size(), "a call leaves nothing behind");
    }
    assertEquals(before, weights.getManagedArrays().size());
  }

  @Test
  void evaluatorRanksTheGeneratorOnSeveralThreads() {
    PrefixTrie trie = PrefixTrie.of(codes, 256);
    GenerativeRecommender rec = new GenerativeRecommender(
        search(trie).optBeamWidth(5).build(), 10, "TIGER");
    List<EvalCase> cases = new java.util.ArrayList<>();
    for (int u = 0; u < histories.length; u++) {
      cases.add(new EvalCase(u, histories[u], (u * 7) % ITEMS));
    }
    EvalReport two = new Evaluator(new int[] {5, 10}, 2).evaluate(rec, cases, "test",
        Progress.silent());
    EvalReport one = new Evaluator(new int[] {5, 10}, 1).evaluate(rec, cases, "test",
        Progress.silent());
    assertEquals(histories.length, two.cases());
    assertEquals(one.recallAt(10), two.recallAt(10), 1e-12);
    assertEquals(one.ndcgAt(10), two.ndcgAt(10), 1e-12);
  }

  /** Items sharing the first levels-1 codes of {@code path}. */
  private static int siblings(PrefixTrie trie, int[] path) {
    return trie.allowedNext(Arrays.copyOf(path, path.length - 1)).length;
  }

  private static void assertMessage(String message, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertEquals(message, e.getMessage());
  }
}
