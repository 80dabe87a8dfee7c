package genrec.generator.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import genrec.generator.data.LeaveOneOutSplit;
import genrec.quantizer.embed.EmbeddingMatrix;
import java.util.List;
import org.junit.jupiter.api.Test;

class ItemCfMixTest {
  private static final EmbeddingMatrix TEXT = new EmbeddingMatrix(List.of("a", "b", "c"), 3,
      new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1});

  @Test
  void coConsumedItemsMoveTogetherAndALoneItemKeepsItsText() {
    // a and b are bought together; c only on its own: no neighbour
    LeaveOneOutSplit split = new LeaveOneOutSplit(3,
        List.of(new int[] {0, 1}, new int[] {1, 0}, new int[] {2}), List.of(), List.of(), 0);
    ItemCfMix.Result r = ItemCfMix.mix(split, TEXT, 0.5, 5, 1);
    assertEquals(2, r.itemsWithNeighbours());
    float h = (float) Math.sqrt(0.5); // (0.5, 0.5, 0) scaled to unit length
    assertArrayEquals(new float[] {h, h, 0, h, h, 0, 0, 0, 1}, r.embeddings().data(), 1e-6f);
    assertEquals(TEXT.ids(), r.embeddings().ids());
    // weight 0: the text vectors
    assertArrayEquals(TEXT.data(), ItemCfMix.mix(split, TEXT, 0, 5, 1).embeddings().data(), 0);
  }

  @Test
  void rowsMustMatchTheCatalogue() {
    LeaveOneOutSplit two = new LeaveOneOutSplit(2, List.of(new int[] {0, 1}), List.of(),
        List.of(), 0);
    assertEquals("3 text vectors for 2 items", assertThrows(IllegalArgumentException.class,
        () -> ItemCfMix.mix(two, TEXT, 0.5, 5, 1)).getMessage());
  }
}
