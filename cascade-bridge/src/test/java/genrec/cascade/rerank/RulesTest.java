package genrec.cascade.rerank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RulesTest {
  /** Candidates in descending score order, labelled under {@code label}. */
  static Candidates scored(String label, List<String> ids, List<String> values) {
    double[] scores = new double[ids.size()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = scores.length - i;
    }
    return Candidates.builder().setIds(ids).setScores(scores).optLabel(label, values).build();
  }

  static RerankResult byScore(Candidates c, int k, Rule... rules) {
    return ScoreOrder.instance().rerank(c, k, List.of(rules));
  }

  @Test
  void maxConsecutive() {
    Candidates c = scored("cat", List.of("a1", "a2", "a3", "b1", "a4"), List.of("x", "x", "x", "y", "x"));
    // slot 2: a1 a2 are two x in a row, a3 waits -> b1; then a3, a4 (never three x in a row)
    RerankResult r = byScore(c, 5, MaxConsecutive.of("cat", 2));
    assertEquals(List.of("a1", "a2", "b1", "a3", "a4"), r.ids());
    assertTrue(r.notes().isEmpty());
    // limited to value y: x is free
    assertEquals(List.of("a1", "a2", "a3", "b1", "a4"), byScore(c, 5, MaxConsecutive.of("cat", "y", 1)).ids());
  }

  @Test
  void maxPerWindowAndTheFallback() {
    Candidates c = scored("type", List.of("ad1", "ad2", "o1", "ad3", "o2", "o3"),
        List.of("ad", "ad", "organic", "ad", "organic", "organic"));
    // at most 1 ad in any 3 slots: ad1, o1, o2, ad2, o3, then only ads are left: relaxed for slot 5
    RerankResult r = byScore(c, 6, MaxPerWindow.of("type", "ad", 1, 3));
    assertEquals(List.of("ad1", "o1", "o2", "ad2", "o3", "ad3"), r.ids());
    assertEquals(List.of("slot 5: no candidate met every rule; relaxed max 1 of type=ad in any 3 slots"), r.notes());
  }

  @Test
  void maxInFirst() {
    Candidates c = scored("type", List.of("v1", "v2", "o1", "v3", "o2"), List.of("video", "video", "x", "video", "x"));
    // at most 1 video in the top 3
    assertEquals(List.of("v1", "o1", "o2", "v2", "v3"), byScore(c, 5, MaxInFirst.of("type", "video", 1, 3)).ids());
    // any value: at most 1 of each type in the top 2
    assertEquals(List.of("v1", "o1", "v2", "v3", "o2"), byScore(c, 5, MaxInFirst.of("type", 1, 2)).ids());
  }

  @Test
  void pinnedSlot() {
    Candidates c = scored("t", List.of("x", "a", "b"), java.util.Arrays.asList(null, null, null));
    assertEquals(List.of("a", "x", "b"), byScore(c, 3, PinnedSlot.of("x", 1)).ids());
    RerankResult missing = byScore(c, 3, PinnedSlot.of("zzz", 0));
    assertEquals(List.of("x", "a", "b"), missing.ids());
    assertEquals(List.of("pinned item 'zzz' is not among the candidates; slot 0 is not pinned"), missing.notes());
    RerankResult beyond = byScore(c, 2, PinnedSlot.of("b", 5));
    assertEquals(List.of("x", "a"), beyond.ids());
    assertEquals(1, beyond.notes().size());
  }

  @Test
  void newItemShare() {
    Candidates base = scored("t", List.of("o1", "o2", "o3", "o4", "o5", "n1"), java.util.Arrays.asList(new String[6]));
    Candidates c = base.toBuilder().optFresh(new boolean[] {false, false, false, false, false, true}).build();
    // one new item in every 3 slots: slot 2 goes to n1; block 2 has no new item left: relaxed
    RerankResult r = byScore(c, 6, NewItemShare.oneIn(3));
    assertEquals(List.of("o1", "o2", "n1", "o3", "o4", "o5"), r.ids());
    assertEquals(List.of("slot 5: no candidate met every rule; relaxed one new item in every 3 slots"), r.notes());
    // a new item that made the block on its own merits satisfies it
    Candidates early = base.toBuilder().optFresh(new boolean[] {false, true, false, false, false, false}).build();
    assertEquals(List.of("o1", "o2", "o3"), byScore(early, 3, NewItemShare.oneIn(3)).ids());
  }

  @Test
  void lessImportantRulesAreRelaxedFirst() {
    Candidates c = scored("type", List.of("a", "b"), List.of("u", "t"));
    // pinned b at slot 0 conflicts with "no t in the first slot": the second rule gives way
    RerankResult r = byScore(c, 2, PinnedSlot.of("b", 0), MaxInFirst.of("type", "t", 0, 1));
    assertEquals(List.of("b", "a"), r.ids());
    assertEquals(List.of("slot 0: no candidate met every rule; relaxed max 0 of type=t in the first 1 slots"), r.notes());
    // the other order: the pin gives way
    RerankResult other = byScore(c, 2, MaxInFirst.of("type", "t", 0, 1), PinnedSlot.of("b", 0));
    assertEquals(List.of("a", "b"), other.ids());
  }

  @Test
  void missingLabelIsNotedAndShortListsGiveShortSlates() {
    Candidates c = scored("type", List.of("a", "b"), List.of("u", "t"));
    RerankResult r = byScore(c, 5, MaxConsecutive.of("brand", 1));
    assertEquals(List.of("a", "b"), r.ids());
    assertEquals(List.of("candidates have no label 'brand': max 1 consecutive by brand has no effect"), r.notes());
  }

  @Test
  void badParametersNameTheValue() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> MaxConsecutive.of("cat", 0)).getMessage().contains("k=0"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> MaxPerWindow.of("cat", 1, 0)).getMessage().contains("w=0"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> MaxPerWindow.of("cat", -1, 3)).getMessage().contains("m=-1"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> MaxInFirst.of("cat", 1, 0)).getMessage().contains("n=0"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PinnedSlot.of("x", -3)).getMessage().contains("position=-3"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> NewItemShare.oneIn(0)).getMessage().contains("period=0"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> MaxConsecutive.of(" ", 1)).getMessage().contains("label"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> Candidates.builder().setIds(List.of("a", "a")).setScores(new double[] {1, 2}).build())
        .getMessage().contains("'a'"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> Candidates.builder().setIds(List.of("a")).setScores(new double[] {Double.NaN}).build())
        .getMessage().contains("NaN"));
  }

  @Test
  void relaxedRulesAreCountedNotOnlyNoted() {
    Candidates c = scored("type", List.of("ad1", "ad2", "o1", "ad3", "o2", "o3"),
        List.of("ad", "ad", "organic", "ad", "organic", "organic"));
    assertEquals(0, byScore(c, 6).relaxedRules());
    assertEquals(1, byScore(c, 6, MaxPerWindow.of("type", "ad", 1, 3)).relaxedRules());
    // at most 0 ads in any 2 slots: slots 3, 4 and 5 hold only ads, each relaxes the rule once
    RerankResult r = byScore(c, 6, MaxPerWindow.of("type", "ad", 0, 2));
    assertEquals(List.of("o1", "o2", "o3", "ad1", "ad2", "ad3"), r.ids());
    assertEquals(3, r.relaxedRules());
    // a note that is not a relaxation is not counted
    Candidates p = scored("t", List.of("x", "a", "b"), java.util.Arrays.asList(null, null, null));
    RerankResult missing = byScore(p, 3, PinnedSlot.of("zzz", 0));
    assertEquals(1, missing.notes().size());
    assertEquals(0, missing.relaxedRules());
    assertThrows(IllegalArgumentException.class,
        () -> new RerankResult(new int[0], List.of(), List.of(), -1));
  }
}
