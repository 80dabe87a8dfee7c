package genrec.cascade.recall;

/**
 * One item proposed by a channel.
 *
 * @param item dense item index (catalogue order)
 * @param score the channel's score, higher is better (its scale is the channel's own: a
 *     log-probability, a cosine, a count)
 * @param rank 1-based position in the channel's list
 */
public record Candidate(int item, float score, int rank) {
  public Candidate {
    if (item < 0) {
      throw new IllegalArgumentException("item=" + item + " must be >= 0");
    }
    if (Float.isNaN(score)) {
      throw new IllegalArgumentException("score of item " + item + " is NaN");
    }
    if (rank < 1) {
      throw new IllegalArgumentException("rank=" + rank + " must be >= 1");
    }
  }
}
