package genrec.generator.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PairSelectorTest {
  @Test
  void chosenIsTheArgmaxRejectedTheArgmin() {
    PairSelector.Selection s = PairSelector.select(new float[] {0.2f, 0.9f, -0.5f, 0.1f}, 1, 0);
    assertEquals(1, s.chosen());
    assertArrayEquals(new int[] {2}, s.rejected());
  }

  @Test
  void severalNegativesLowestFirstAndTiesPreferTheEarlierChosenTheLaterRejected() {
    float[] r = {1f, 1f, 0f, 0f, 0.5f};
    PairSelector.Selection s = PairSelector.select(r, 3, 0);
    assertEquals(0, s.chosen()); // tie 0 vs 1: the more probable beam
    assertArrayEquals(new int[] {3, 2, 4}, s.rejected()); // tie 2 vs 3: the later beam first
    // beam 1 ties with the chosen one: never a rejected side
    assertArrayEquals(new int[] {3, 2, 4}, PairSelector.select(r, 4, 0).rejected());
  }

  @Test
  void noPreferenceWithinTheGap() {
    assertTrue(PairSelector.select(new float[] {0.3f, 0.3f, 0.3f}, 1, 0).isEmpty());
    assertTrue(PairSelector.select(new float[] {0.3f, 0.29f}, 1, 0.05).isEmpty());
    assertTrue(PairSelector.select(new float[] {0.3f}, 1, 0).isEmpty());
    assertThrows(IllegalArgumentException.class,
        () -> PairSelector.select(new float[] {1, 0}, 0, 0));
  }
}
