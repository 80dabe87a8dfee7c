package genrec.cascade.recall;

import java.util.Arrays;

/**
 * One item of a merged candidate list, with what every channel said about it: channel c's
 * score and rank where c returned the item, {@code NaN} and 0 where it did not. Channels are
 * indexed as in {@link MergedCandidates#channels()}. Immutable (accessors return copies).
 */
public final class MergedCandidate {
  private final int item;
  private final int source;
  private final float[] scores;
  private final int[] ranks;

  MergedCandidate(int item, int source, float[] scores, int[] ranks) {
    this.item = item;
    this.source = source;
    this.scores = scores.clone();
    this.ranks = ranks.clone();
  }

  public int item() {
    return item;
  }

  /**
   * Index of the channel whose quota admitted the item; -1 in a list re-described by {@link
   * MergedCandidates#withChannels} without that channel.
   */
  public int source() {
    return source;
  }

  /** Channel {@code c}'s score of the item, {@code NaN} when c did not return it. */
  public float score(int c) {
    return scores[c];
  }

  /** Channel {@code c}'s 1-based rank of the item, 0 when c did not return it. */
  public int rank(int c) {
    return ranks[c];
  }

  /** True when channel {@code c} returned the item. */
  public boolean from(int c) {
    return ranks[c] > 0;
  }

  /** Every channel's score, {@code NaN} where absent (a copy). */
  public float[] scores() {
    return scores.clone();
  }

  /** Every channel's rank, 0 where absent (a copy). */
  public int[] ranks() {
    return ranks.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MergedCandidate m && m.item == item && m.source == source
        && Arrays.equals(m.scores, scores) && Arrays.equals(m.ranks, ranks);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * item + source) + Arrays.hashCode(ranks);
  }

  @Override
  public String toString() {
    return "MergedCandidate[item=" + item + ", source=" + source + ", scores="
        + Arrays.toString(scores) + ", ranks=" + Arrays.toString(ranks) + "]";
  }
}
