package genrec.cascade.rerank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MmrTest {
  /** rel a 1.0, b 0.9, c 0.5, d 0.7; sim a-b .9, a-c .1, a-d .6, b-c .3, b-d .1, c-d .2. */
  static Candidates handCase() {
    double[] s = {
      1, .9, .1, .6,
      .9, 1, .3, .1,
      .1, .3, 1, .2,
      .6, .1, .2, 1};
    return Candidates.builder().setIds(List.of("a", "b", "c", "d")).setScores(new double[] {1.0, 0.9, 0.5, 0.7})
        .optSimilarity(MatrixSimilarity.of(s, 4)).build();
  }

  @Test
  void wholeSetByHand() {
    // theta 0.5, gain = .5 rel - .5 maxSim
    // slot 0: a (.5); slot 1: b .45-.45=0, c .25-.05=.2, d .35-.3=.05 -> c
    // slot 2: max sim to {a, c}: b .9 -> 0, d .6 -> .05 -> d; slot 3: b
    Mmr mmr = Mmr.builder().optTheta(0.5).optNormalize(false).build();
    assertEquals(List.of("a", "c", "d", "b"), mmr.rerank(handCase(), 4).ids());
    // window 0 and window >= k are the whole set
    assertEquals(List.of("a", "c", "d", "b"),
        Mmr.builder().optNormalize(false).optWindow(4).build().rerank(handCase(), 4).ids());
  }

  @Test
  void slidingWindowByHand() {
    // window 1: slot 2 compares with c only: b .45-.15=.3, d .35-.1=.25 -> b; slot 3: d
    Mmr mmr = Mmr.builder().optTheta(0.5).optWindow(1).optNormalize(false).build();
    RerankResult r = mmr.rerank(handCase(), 4);
    assertEquals(List.of("a", "c", "b", "d"), r.ids());
    assertTrue(r.notes().isEmpty());
  }

  @Test
  void thetaOneIsScoreOrderAndNormalizationKeepsItsOrder() {
    Candidates c = handCase();
    assertEquals(List.of("a", "b", "d", "c"), Mmr.builder().optTheta(1).build().rerank(c, 4).ids());
    assertEquals(ScoreOrder.instance().rerank(c, 3).ids(), Mmr.builder().optTheta(1).build().rerank(c, 3).ids());
    // theta .6, slot 1 after a: raw rel b .54-.36=.18, c .3-.04=.26, d .42-.24=.18 -> c;
    // normalized rel (s - .5) / .5 = a 1, b .8, c 0, d .4: b .48-.36=.12, c 0-.04, d .24-.24=0 -> b
    assertEquals("c", Mmr.builder().optTheta(0.6).optNormalize(false).build().rerank(c, 2).ids().get(1));
    assertEquals("b", Mmr.builder().optTheta(0.6).build().rerank(c, 2).ids().get(1));
  }

  @Test
  void badParametersNameTheValue() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Mmr.builder().optTheta(1.5).build())
        .getMessage().contains("theta=1.5"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Mmr.builder().optWindow(-2).build())
        .getMessage().contains("window=-2"));
    Mmr mmr = Mmr.builder().build();
    assertTrue(assertThrows(IllegalArgumentException.class, () -> mmr.rerank(handCase(), 0))
        .getMessage().contains("k=0"));
    Candidates noSim = Candidates.builder().setIds(List.of("a")).setScores(new double[] {1}).build();
    assertTrue(assertThrows(IllegalArgumentException.class, () -> mmr.rerank(noSim, 1))
        .getMessage().contains("similarity"));
  }
}
