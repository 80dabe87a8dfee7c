package genrec.cascade.rerank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ListDiversityTest {
  @Test
  void ildByHand() {
    // a = (1, 0), b = (0, 1), c = (0.6, 0.8): cos ab 0, ac 0.6, bc 0.8
    TextVectorSimilarity sim = TextVectorSimilarity.of(new float[][] {{1, 0}, {0, 1}, {0.6f, 0.8f}});
    assertEquals(1 - (0 + 0.6 + 0.8) / 3, ListDiversity.ild(sim), 1e-6);
    assertEquals(1.0, ListDiversity.ild(sim, new int[] {0, 1}), 1e-6);
    assertEquals(1 - 0.8, ListDiversity.ild(sim, new int[] {2, 1}), 1e-6);
    assertTrue(Double.isNaN(ListDiversity.ild(sim, new int[] {2})));
    // identical vectors: no diversity; opposite ones: 2
    assertEquals(0.0, ListDiversity.ild(TextVectorSimilarity.of(new float[][] {{1, 0}, {1, 0}})), 1e-6);
    assertEquals(2.0, ListDiversity.ild(TextVectorSimilarity.of(new float[][] {{1, 0}, {-1, 0}})), 1e-6);
  }

  @Test
  void distinctGroupsSkipItemsWithout() {
    int[] groupOf = {3, 3, 1, -1, 7};
    assertEquals(1, ListDiversity.distinct(groupOf, new int[] {0, 1}));
    assertEquals(3, ListDiversity.distinct(groupOf, new int[] {0, 1, 2, 3, 4}));
    assertEquals(0, ListDiversity.distinct(groupOf, new int[] {3}));
  }

  @Test
  void badSlatesAreNamed() {
    TextVectorSimilarity sim = TextVectorSimilarity.of(new float[][] {{1, 0}, {0, 1}});
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ListDiversity.ild(sim, new int[] {0, 2}))
        .getMessage().contains("slate item 2 is not in a list of 2"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ListDiversity.ild(sim, new int[] {1, 1}))
        .getMessage().contains("slate item 1 is listed twice"));
  }
}
