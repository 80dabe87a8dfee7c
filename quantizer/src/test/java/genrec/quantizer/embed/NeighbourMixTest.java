package genrec.quantizer.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class NeighbourMixTest {
  // three items in 2-d: 0 = (1,0), 1 = (0,1), 2 = (0.6,0.8)
  private static final EmbeddingMatrix TEXT = new EmbeddingMatrix(List.of("a", "b", "c"), 2,
      new float[] {1, 0, 0, 1, 0.6f, 0.8f});

  /** Item 0's neighbours: 1 (similarity 3) and 2 (similarity 1); item 1: itself only; 2: none. */
  private static final NeighbourMix.Neighbours GRAPH = new NeighbourMix.Neighbours() {
    @Override
    public int[] items(int item) {
      return switch (item) {
        case 0 -> new int[] {1, 2};
        case 1 -> new int[] {1};
        default -> new int[0];
      };
    }

    @Override
    public float[] similarities(int item) {
      return switch (item) {
        case 0 -> new float[] {3, 1};
        case 1 -> new float[] {5};
        default -> new float[0];
      };
    }
  };

  @Test
  void mixesTheSimilarityWeightedNeighbourMeanAndRenormalises() {
    EmbeddingMatrix m = NeighbourMix.mix(TEXT, GRAPH, 0.5, 0);
    // item 0: mean of neighbours = (3*(0,1) + 1*(0.6,0.8)) / 4 = (0.15, 0.95);
    // 0.5*(1,0) + 0.5*(0.15,0.95) = (0.575, 0.475), then unit length
    double n = Math.hypot(0.575, 0.475);
    assertArrayEquals(new float[] {(float) (0.575 / n), (float) (0.475 / n)}, m.row(0), 1e-6f);
    // item 1 lists only itself and item 2 has none: both keep their text vector
    assertArrayEquals(TEXT.row(1), m.row(1), 1e-7f);
    assertArrayEquals(TEXT.row(2), m.row(2), 1e-6f);
    assertEquals(TEXT.ids(), m.ids());
  }

  @Test
  void weightZeroKeepsTheTextAndMaxNeighboursCutsTheList() {
    EmbeddingMatrix none = NeighbourMix.mix(TEXT, GRAPH, 0, 0);
    assertArrayEquals(TEXT.data(), none.data(), 1e-6f);
    // only the first neighbour of item 0 (item 1): 0.5*(1,0) + 0.5*(0,1), normalised
    EmbeddingMatrix one = NeighbourMix.mix(TEXT, GRAPH, 0.5, 1);
    float h = (float) Math.sqrt(0.5);
    assertArrayEquals(new float[] {h, h}, one.row(0), 1e-6f);
    for (int i = 0; i < 3; i++) {
      float[] r = one.row(i);
      assertEquals(1.0, Math.hypot(r[0], r[1]), 1e-6);
    }
  }

  @Test
  void badArgumentsAreClearErrors() {
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> NeighbourMix.mix(TEXT, GRAPH, 1.0, 0)).getMessage().contains("weight=1.0"));
    assertThrows(IllegalArgumentException.class, () -> NeighbourMix.mix(TEXT, GRAPH, -0.1, 0));
    assertThrows(IllegalArgumentException.class, () -> NeighbourMix.mix(TEXT, GRAPH, 0.5, -1));
    NeighbourMix.Neighbours outside = new NeighbourMix.Neighbours() {
      @Override
      public int[] items(int item) {
        return new int[] {7};
      }

      @Override
      public float[] similarities(int item) {
        return new float[] {1};
      }
    };
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> NeighbourMix.mix(TEXT, outside, 0.5, 0)).getMessage().contains("neighbour 7"));
  }
}
