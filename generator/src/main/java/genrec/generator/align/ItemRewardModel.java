package genrec.generator.align;

/**
 * The relevance source of a {@link Reward}: how likely a user with this history is to want each
 * item. Implementations are immutable and thread-safe. Today {@link KnnRewardModel} (ItemKNN
 * turned into a probability); the cascade's ranker may replace it.
 */
public interface ItemRewardModel {

  /**
   * Relevance of each of {@code items} for {@code history}.
   *
   * @param history item indices, oldest first, non-empty
   * @param items item indices to score
   * @return one value per item, in {@code [0, 1]} for calibrated models
   */
  float[] score(int[] history, int[] items);
}
