package genrec.generator.align;

/**
 * Scores a generated list for a user: a reward per item (used to pick preference pairs) and one
 * for the whole list. Implementations are immutable and thread-safe.
 */
public interface Reward {

  /**
   * @param history the user's items, oldest first, non-empty
   * @param items the generated items, best first (valid item indices)
   */
  Scored score(int[] history, int[] items);

  /** Whether {@link Scored#diversity()} is measured (item vectors given), not a placeholder 0. */
  default boolean measuresDiversity() {
    return false;
  }

  /** Whether {@link Scored#newShare()} is measured (a new-item set given). */
  default boolean measuresNewItems() {
    return false;
  }

  /**
   * A scored list.
   *
   * @param perItem each item's reward, in list order
   * @param list the list-level reward
   * @param relevance mean item relevance
   * @param diversity intra-list diversity, 1 − mean pairwise cosine (0 without vectors or with
   *     fewer than 2 items)
   * @param newShare share of items in the new-item set
   * @param historyShare share of items already in the history
   */
  record Scored(float[] perItem, double list, double relevance, double diversity,
      double newShare, double historyShare) {}
}
