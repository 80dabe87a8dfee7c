package genrec.generator.data;

import java.util.Arrays;
import java.util.Locale;

/**
 * Summary statistics of a dataset.
 *
 * @param users number of users
 * @param items catalogue size
 * @param interactions total interactions
 * @param itemsWithInteractions items seen at least once
 * @param lengthPercentiles sequence length at the percentiles {@link #PERCENTILES}
 * @param meanLength mean sequence length
 * @param popularityGini Gini coefficient of per-item interaction counts over the whole catalogue
 *     (0 = every item equally popular, 1 = one item has everything)
 * @param density interactions / (users × items)
 */
public record DataStats(
    int users, int items, long interactions, int itemsWithInteractions, int[] lengthPercentiles,
    double meanLength, double popularityGini, double density) {

  /** The percentiles reported: min, 25, 50, 75, 90, 99, max. */
  public static final int[] PERCENTILES = {0, 25, 50, 75, 90, 99, 100};

  public static DataStats of(Dataset d) {
    int n = d.users().size();
    int[] lengths = new int[n];
    long[] counts = new long[d.catalog().size()];
    long total = 0;
    for (int u = 0; u < n; u++) {
      int[] s = d.users().get(u).items();
      lengths[u] = s.length;
      total += s.length;
      for (int i : s) {
        counts[i]++;
      }
    }
    Arrays.sort(lengths);
    int[] pct = new int[PERCENTILES.length];
    for (int k = 0; k < pct.length; k++) {
      pct[k] = n == 0 ? 0 : lengths[nearestRank(PERCENTILES[k], n)];
    }
    int seen = 0;
    for (long c : counts) {
      if (c > 0) {
        seen++;
      }
    }
    return new DataStats(n, counts.length, total, seen, pct, n == 0 ? 0 : (double) total / n,
        gini(counts), n == 0 || counts.length == 0 ? 0 : (double) total / ((double) n * counts.length));
  }

  /** Nearest-rank percentile index into a sorted array of size n. */
  static int nearestRank(int p, int n) {
    if (p <= 0) {
      return 0;
    }
    return Math.min(n - 1, (int) Math.ceil(p / 100.0 * n) - 1);
  }

  /** Gini coefficient of non-negative counts: (2 Σ i·x_(i)) / (n Σ x) − (n+1)/n, i from 1. */
  public static double gini(long[] counts) {
    long[] x = counts.clone();
    Arrays.sort(x);
    int n = x.length;
    double sum = 0;
    double weighted = 0;
    for (int i = 0; i < n; i++) {
      sum += x[i];
      weighted += (i + 1) * (double) x[i];
    }
    if (n == 0 || sum == 0) {
      return 0;
    }
    return 2 * weighted / (n * sum) - (n + 1.0) / n;
  }

  /** A printable table. */
  public String format(String name) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "dataset        %s%n", name));
    sb.append(String.format(Locale.ROOT, "users          %,d%n", users));
    sb.append(String.format(Locale.ROOT, "items          %,d (%,d with interactions)%n", items, itemsWithInteractions));
    sb.append(String.format(Locale.ROOT, "interactions   %,d%n", interactions));
    sb.append(String.format(Locale.ROOT, "density        %.5f%n", density));
    sb.append(String.format(Locale.ROOT, "seq length     mean %.2f | min %d  p25 %d  p50 %d  p75 %d  p90 %d  p99 %d  max %d%n",
        meanLength, lengthPercentiles[0], lengthPercentiles[1], lengthPercentiles[2],
        lengthPercentiles[3], lengthPercentiles[4], lengthPercentiles[5], lengthPercentiles[6]));
    sb.append(String.format(Locale.ROOT, "item pop. Gini %.4f%n", popularityGini));
    return sb.toString();
  }
}
