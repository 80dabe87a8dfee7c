package genrec.cascade.rerank;

import java.util.BitSet;

/**
 * Diversity measures of one served list (a slate), as {@link genrec.cascade.eval.RerankSweep} reports them:
 *
 * <ul>
 *   <li>{@link #ild intra-list diversity}: {@code ILD = 1 − mean over pairs i < j of sim(i, j)}
 *       (Ziegler et al., 2005), with a {@link Similarity} over the list's items; with text
 *       cosines it lies in [0, 2], 0 for a list of identical vectors;
 *   <li>{@link #distinct distinct groups}: how many different values of a grouping (the first
 *       semantic-ID code c1, a category) the list's items take.
 * </ul>
 *
 * Catalogue coverage (the share of the catalogue in at least one list) is a property of all the
 * lists together; {@link genrec.cascade.eval.RerankSweep} counts it.
 */
public final class ListDiversity {
  private ListDiversity() {}

  /**
   * The intra-list diversity of the whole of {@code sim}'s list: 1 − the mean similarity over
   * its {@code n (n − 1) / 2} pairs.
   *
   * @return NaN for a list of fewer than two items (no pair)
   */
  public static double ild(Similarity sim) {
    int n = sim.size();
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    return ild(sim, all);
  }

  /**
   * The intra-list diversity of the items {@code slate} (indices into {@code sim}'s list, e.g.
   * a {@link RerankResult#order()}): reads one row of {@code sim} per item but the last.
   *
   * @return NaN for fewer than two items (no pair)
   * @throws IllegalArgumentException if an index is outside {@code sim} or repeated
   */
  public static double ild(Similarity sim, int[] slate) {
    int n = sim.size();
    BitSet seen = new BitSet(n);
    for (int i : slate) {
      if (i < 0 || i >= n) {
        throw new IllegalArgumentException("slate item " + i + " is not in a list of " + n);
      }
      if (seen.get(i)) {
        throw new IllegalArgumentException("slate item " + i + " is listed twice");
      }
      seen.set(i);
    }
    int k = slate.length;
    if (k < 2) {
      return Double.NaN;
    }
    double[] row = new double[n];
    double sum = 0;
    for (int a = 0; a < k - 1; a++) {
      sim.row(slate[a], row);
      for (int b = a + 1; b < k; b++) {
        sum += row[slate[b]];
      }
    }
    return 1 - sum / ((double) k * (k - 1) / 2);
  }

  /**
   * How many different groups the {@code items} fall into ({@code groupOf[item]}; a negative
   * group, e.g. an item without a category, counts for nothing).
   */
  public static int distinct(int[] groupOf, int[] items) {
    BitSet groups = new BitSet();
    for (int item : items) {
      int g = groupOf[item];
      if (g >= 0) {
        groups.set(g);
      }
    }
    return groups.cardinality();
  }
}
