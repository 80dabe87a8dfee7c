package genrec.cascade.recall;

/**
 * A source of candidates: for a user history, at most {@code n} items with the channel's
 * scores, best first ({@link ChannelCandidates}), never an item of the history. A channel may
 * return fewer than {@code n} (nothing to say about an empty history, few item-CF neighbours).
 * Implementations are immutable and safe to call from several threads at once.
 */
public interface CandidateChannel {

  /** The channel's name, e.g. "itemknn" (lower case letters, digits, '-'): tags its lists. */
  String name();

  /**
   * The channel's best items for a user whose history is {@code history} (dense item indices,
   * oldest first).
   *
   * @param n the most candidates wanted, at least 1
   */
  ChannelCandidates candidates(int[] history, int n);
}
