package genrec.quantizer.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddingMatrixTest {
  private static final EmbeddingMatrix M =
      new EmbeddingMatrix(List.of("a", "b", "c"), 2, new float[] {1, 2, 3, 4, 5, 6});

  @Test
  void selectTakesTheRowsInTheOrderAsked() {
    EmbeddingMatrix s = M.select(new int[] {2, 0});
    assertEquals(List.of("c", "a"), s.ids());
    assertArrayEquals(new float[] {5, 6, 1, 2}, s.data());
    assertEquals(0, M.select(new int[0]).rows());
  }

  @Test
  void concatAppendsTheOtherRows() {
    EmbeddingMatrix c = M.select(new int[] {1}).concat(M.select(new int[] {0, 2}));
    assertEquals(List.of("b", "a", "c"), c.ids());
    assertArrayEquals(new float[] {3, 4, 1, 2, 5, 6}, c.data());
    assertThrows(IllegalArgumentException.class,
        () -> M.concat(new EmbeddingMatrix(List.of("x"), 1, new float[] {1})));
  }
}
