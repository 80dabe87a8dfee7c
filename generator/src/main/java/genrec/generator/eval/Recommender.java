package genrec.generator.eval;

/**
 * A fitted model that scores every catalogue item for a user history. Baselines (MostPop,
 * ItemKNN) and the generative model implement it, so one harness evaluates them all.
 * Implementations are immutable and safe to call from several threads at once.
 */
public interface Recommender {

  /** A short name for tables, e.g. "ItemKNN". */
  String name();

  /** Catalogue size: the length of the score array. */
  int numItems();

  /**
   * Fills {@code scores} (length {@link #numItems()}) with one score per item for a user whose
   * history is {@code history} (dense item indices, oldest first). Higher is better; {@code
   * Float.NEGATIVE_INFINITY} means "never recommend" (e.g. excluded history items, or items a
   * generative model did not produce).
   */
  void score(int[] history, float[] scores);
}
