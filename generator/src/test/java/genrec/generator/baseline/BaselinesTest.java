package genrec.generator.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class BaselinesTest {
  // users: {0,1,2}, {0,1}, {1,2}, {3}
  private static final List<int[]> TRAIN =
      List.of(new int[] {0, 1, 2}, new int[] {0, 1}, new int[] {1, 2}, new int[] {3, 3});

  @Test
  void mostPopCountsInteractionsAndExcludesHistory() {
    MostPop m = MostPop.fit(TRAIN, 5, true);
    float[] s = new float[5];
    m.score(new int[] {1}, s);
    assertArrayEquals(new float[] {2, Float.NEGATIVE_INFINITY, 2, 2, 0}, s);
  }

  @Test
  void itemKnnCosineMatchesHandComputation() {
    ItemKnn knn = ItemKnn.fit(TRAIN, 5, new ItemKnn.Options(0, 3, 2));
    // n(0)=2, n(1)=3, n(2)=2, n(3)=1 (user 3 counts once); c(0,1)=2, c(0,2)=1, c(1,2)=2
    assertArrayEquals(new int[] {1, 2}, knn.neighbours(0));
    assertArrayEquals(new float[] {(float) (2 / Math.sqrt(6)), (float) (1 / Math.sqrt(4))},
        knn.similarities(0), 1e-6f);
    assertArrayEquals(new int[] {0, 2}, knn.neighbours(1)); // equal cosine 2/sqrt(6): lower index first
    assertArrayEquals(new int[] {}, knn.neighbours(3));
    float[] s = new float[5];
    knn.score(new int[] {0}, s);
    assertEquals(Float.NEGATIVE_INFINITY, s[0]);
    assertEquals(2 / Math.sqrt(6), s[1], 1e-6);
    assertEquals(0.5, s[2], 1e-6);
    assertEquals(0.0, s[4], 0);
  }

  @Test
  void itemKnnSumsOnlyTheLastNItemsAndKeepsTopNeighbours() {
    ItemKnn one = ItemKnn.fit(TRAIN, 5, new ItemKnn.Options(1, 1, 1));
    assertArrayEquals(new int[] {1}, one.neighbours(0));
    float[] s = new float[5];
    one.score(new int[] {2, 0}, s); // only item 0 is scored; both history items excluded
    assertEquals(Float.NEGATIVE_INFINITY, s[2]);
    assertEquals(2 / Math.sqrt(6), s[1], 1e-6);
  }

  @Test
  void itemKnnRejectsOutOfRangeItemsAndBadOptions() {
    assertThrows(IllegalArgumentException.class,
        () -> ItemKnn.fit(List.of(new int[] {7}), 5, new ItemKnn.Options(0, 3, 1)));
    assertThrows(IllegalArgumentException.class, () -> new ItemKnn.Options(-1, 3, 1));
    assertThrows(IllegalArgumentException.class, () -> new ItemKnn.Options(0, 0, 1));
  }
}
