package genrec.generator.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import genrec.generator.eval.Recommender;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GeneratorMixtureTest {

  /** Proposes fixed items with fixed log-probabilities; every other item -Infinity. */
  private static Recommender fixed(String name, int numItems, Map<Integer, Double> logp) {
    return new Recommender() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public int numItems() {
        return numItems;
      }

      @Override
      public void score(int[] history, float[] scores) {
        java.util.Arrays.fill(scores, Float.NEGATIVE_INFINITY);
        logp.forEach((item, lp) -> scores[item] = lp.floatValue());
      }
    };
  }

  @Test
  void averagesProbabilitiesAndKeepsUnproposedItemsOut() {
    Recommender a = fixed("a", 5, Map.of(0, Math.log(0.5), 1, Math.log(0.3)));
    Recommender b = fixed("b", 5, Map.of(1, Math.log(0.6), 3, Math.log(0.2)));
    float[] s = new float[5];
    new GeneratorMixture(List.of(a, b), "mix").score(new int[] {2}, s);
    assertEquals(Math.log(0.25), s[0], 1e-6); // only a: 0.5 / 2
    assertEquals(Math.log(0.45), s[1], 1e-6); // (0.3 + 0.6) / 2: both agree, it now ranks first
    assertEquals(Float.NEGATIVE_INFINITY, s[2]);
    assertEquals(Math.log(0.1), s[3], 1e-6);
    assertEquals(Float.NEGATIVE_INFINITY, s[4]);
    assertTrue(s[1] > s[0] && s[0] > s[3]);
  }

  /** The serving path ranks the members' beam results as {@link GeneratorMixture#score} does. */
  @Test
  void combineRanksBeamResultsLikeScore() {
    BeamResult a = new BeamResult(new int[] {0, 1, -1},
        new float[] {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.9)},
        new int[3][]);
    BeamResult b = new BeamResult(new int[] {1, 3, 4},
        new float[] {(float) Math.log(0.6), (float) Math.log(0.2), (float) Math.log(0.2)},
        new int[3][]);
    BeamResult r = GeneratorMixture.combine(List.of(a, b), 3, item -> new int[] {item, 7});
    assertArrayEquals(new int[] {1, 0, 3}, r.items()); // 3 and 4 tie at 0.1: the lower index
    assertEquals(Math.log(0.45), r.scores()[0], 1e-6);
    assertEquals(Math.log(0.25), r.scores()[1], 1e-6);
    assertEquals(Math.log(0.1), r.scores()[2], 1e-6);
    assertArrayEquals(new int[] {0, 7}, r.paths()[1]);
    float[] dense = new float[5];
    new GeneratorMixture(List.of(fixed("a", 5, Map.of(0, Math.log(0.5), 1, Math.log(0.3))),
        fixed("b", 5, Map.of(1, Math.log(0.6), 3, Math.log(0.2), 4, Math.log(0.2)))), "mix")
        .score(new int[] {2}, dense);
    for (int i = 0; i < r.size(); i++) {
      assertEquals(dense[r.items()[i]], r.scores()[i], 0f);
    }
    // every distinct item once; the invalid path (-1) is dropped
    assertEquals(4, GeneratorMixture.combine(List.of(a, b), 10, item -> null).size());
  }

  @Test
  void eachMemberProposesAtLeastTenAtLeastKAndEveryBeam() {
    assertEquals(10, GeneratorMixture.proposalsPerMember(3, 5, 100));
    assertEquals(20, GeneratorMixture.proposalsPerMember(10, 20, 100));
    assertEquals(12, GeneratorMixture.proposalsPerMember(12, 5, 100));
    assertEquals(7, GeneratorMixture.proposalsPerMember(10, 20, 7)); // capped at the catalogue
  }

  @Test
  void rejectsFewerThanTwoMembersAndDifferentCatalogues() {
    Recommender a = fixed("a", 5, Map.of());
    IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
        () -> new GeneratorMixture(List.of(a), "mix"));
    assertTrue(one.getMessage().contains("at least 2"), one.getMessage());
    IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
        () -> new GeneratorMixture(List.of(a, fixed("b", 6, Map.of())), "mix"));
    assertTrue(other.getMessage().contains("'b' scores 6 items but 'a' scores 5"),
        other.getMessage());
  }
}
