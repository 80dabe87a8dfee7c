package genrec.cascade.rank.train;

import java.util.Arrays;

/**
 * Ranking metrics of binary labels. {@link #auc}: the probability that a random positive scores
 * above a random negative, ties counted half (the Mann-Whitney U statistic from average ranks, by
 * sorting: O(n log n)). {@link #gauc}: the mean of per-group AUCs weighted by the group's
 * impressions (rows), over groups that have both classes; the others are skipped. Both are NaN
 * when nothing is left to measure.
 */
public final class RankMetrics {
  private RankMetrics() {}

  /**
   * AUC of {@code scores} against {@code labels} (0 or 1), NaN without both classes.
   *
   * @throws IllegalArgumentException if the lengths differ or a label is not 0 or 1
   */
  public static double auc(float[] scores, float[] labels) {
    check(scores, labels);
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    return aucOf(scores, labels, order, 0, order.length);
  }

  /**
   * GAUC: {@code Σ_g n_g · AUC_g / Σ_g n_g} over the groups with both classes, n_g the group's
   * rows; NaN when no group has both.
   *
   * @param groups group id per row (any ints)
   */
  public static double gauc(float[] scores, float[] labels, int[] groups) {
    check(scores, labels);
    if (groups.length != scores.length) {
      throw new IllegalArgumentException("groups has " + groups.length + " values, scores "
          + scores.length);
    }
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Integer.compare(groups[a], groups[b]));
    double sum = 0;
    long weight = 0;
    for (int from = 0; from < order.length; ) {
      int to = from;
      while (to < order.length && groups[order[to]] == groups[order[from]]) {
        to++;
      }
      double a = aucOf(scores, labels, order, from, to);
      if (!Double.isNaN(a)) {
        sum += a * (to - from);
        weight += to - from;
      }
      from = to;
    }
    return weight == 0 ? Double.NaN : sum / weight;
  }

  /** AUC of the rows {@code order[from, to)}; sorts that range by score. */
  private static double aucOf(float[] scores, float[] labels, Integer[] order, int from, int to) {
    long pos = 0;
    for (int i = from; i < to; i++) {
      pos += labels[order[i]] == 1f ? 1 : 0;
    }
    long neg = (to - from) - pos;
    if (pos == 0 || neg == 0) {
      return Double.NaN;
    }
    Arrays.sort(order, from, to, (a, b) -> Float.compare(scores[a], scores[b]));
    double rankSumPos = 0;
    for (int i = from; i < to; ) {
      int j = i;
      while (j < to && scores[order[j]] == scores[order[i]]) {
        j++;
      }
      double avgRank = (i - from + 1 + j - from) / 2.0; // ranks i-from+1 .. j-from, 1-based
      for (int k = i; k < j; k++) {
        if (labels[order[k]] == 1f) {
          rankSumPos += avgRank;
        }
      }
      i = j;
    }
    return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
  }

  private static void check(float[] scores, float[] labels) {
    if (scores.length != labels.length) {
      throw new IllegalArgumentException("scores has " + scores.length + " values, labels "
          + labels.length);
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] != 0f && labels[i] != 1f) {
        throw new IllegalArgumentException("labels[" + i + "]=" + labels[i] + " must be 0 or 1");
      }
      if (Float.isNaN(scores[i])) {
        throw new IllegalArgumentException("scores[" + i + "] is NaN");
      }
    }
  }
}
