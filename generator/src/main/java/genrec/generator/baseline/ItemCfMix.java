package genrec.generator.baseline;

import genrec.generator.data.LeaveOneOutSplit;
import genrec.quantizer.embed.EmbeddingMatrix;
import genrec.quantizer.embed.NeighbourMix;

/**
 * The item-CF mix of {@code genrec quantize --cf-weight}: each item's text vector mixed with
 * those of its ItemKNN neighbours ({@link NeighbourMix}), the neighbours fitted on the training
 * interactions of a leave-one-out split (without the held-out items' interactions when the caller
 * removed them), so the semantic IDs of co-consumed items share prefixes.
 */
public final class ItemCfMix {
  private ItemCfMix() {}

  /**
   * A mixed catalogue.
   *
   * @param embeddings the mixed vectors, in the text vectors' row order
   * @param itemsWithNeighbours items that have at least one ItemKNN neighbour (the others keep
   *     their text vector)
   * @param seconds wall time of the fit and the mix
   */
  public record Result(EmbeddingMatrix embeddings, int itemsWithNeighbours, double seconds) {}

  /**
   * Mixes {@code text} (row i: item i of the split's catalogue) with up to {@code neighbours}
   * ItemKNN neighbours per item at weight {@code weight}.
   *
   * @throws IllegalArgumentException if the rows do not match the split's catalogue, or for a
   *     weight outside [0, 1) or fewer than 1 neighbour
   */
  public static Result mix(LeaveOneOutSplit split, EmbeddingMatrix text, double weight,
      int neighbours, int threads) {
    if (text.rows() != split.numItems()) {
      throw new IllegalArgumentException(text.rows() + " text vectors for " + split.numItems()
          + " items");
    }
    long t0 = System.nanoTime();
    ItemKnn knn = ItemKnn.fit(split.train(), split.numItems(),
        new ItemKnn.Options(neighbours, 1, threads));
    EmbeddingMatrix mixed = NeighbourMix.mix(text, new NeighbourMix.Neighbours() {
      @Override
      public int[] items(int item) {
        return knn.neighbours(item);
      }

      @Override
      public float[] similarities(int item) {
        return knn.similarities(item);
      }
    }, weight, neighbours);
    int withNeighbours = 0;
    for (int i = 0; i < split.numItems(); i++) {
      withNeighbours += knn.neighbours(i).length > 0 ? 1 : 0;
    }
    return new Result(mixed, withNeighbours, (System.nanoTime() - t0) / 1e9);
  }
}
