package genrec.cascade.recall;

import java.util.List;
import java.util.Locale;

/**
 * Candidate recall of one split ({@link RecallEvaluator}). Arrays are indexed [channel][N] in
 * the order of {@link #channels()} and {@link #ns()}; every value is a mean over the cases.
 * Immutable: the arrays are copied in and out.
 *
 * @param split "validation" or "test"
 * @param cases held-out targets evaluated
 * @param ns list lengths N, ascending
 * @param channels channel names, in evaluation order
 * @param recall share of cases whose target is in the channel's first N
 * @param exclusive share of cases whose target is in this channel's first N and in no other's
 * @param size mean length of the channel's first N (shorter when the channel ran out)
 * @param unionRecall share of cases whose target is in any channel's first N
 * @param unionSize mean number of distinct items in the union of the channels' first N
 * @param merged the merged list under the quotas, or null when none was measured
 * @param seconds wall time
 */
public record RecallReport(String split, int cases, int[] ns, List<String> channels,
    double[][] recall, double[][] exclusive, double[][] size, double[] unionRecall,
    double[] unionSize, Merged merged, double seconds) {

  /**
   * The merged list's recall.
   *
   * @param quotas the quotas, {@code name=count,...} in priority order
   * @param capacity the sum of the quotas
   * @param recall share of cases whose target is in the merged list
   * @param size mean merged list length
   */
  public record Merged(String quotas, int capacity, double recall, double size) {}

  /** The CSV header of {@link #csv()}. */
  public static final String CSV_HEADER = "split,list,n,users,recall,exclusive,mean_size,quotas";

  public RecallReport {
    channels = List.copyOf(channels);
    ns = ns.clone();
    recall = deepCopy(recall);
    exclusive = deepCopy(exclusive);
    size = deepCopy(size);
    unionRecall = unionRecall.clone();
    unionSize = unionSize.clone();
  }

  // accessors return copies: the report is immutable

  @Override
  public int[] ns() {
    return ns.clone();
  }

  @Override
  public double[][] recall() {
    return deepCopy(recall);
  }

  @Override
  public double[][] exclusive() {
    return deepCopy(exclusive);
  }

  @Override
  public double[][] size() {
    return deepCopy(size);
  }

  @Override
  public double[] unionRecall() {
    return unionRecall.clone();
  }

  @Override
  public double[] unionSize() {
    return unionSize.clone();
  }

  private static double[][] deepCopy(double[][] a) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i].clone();
    }
    return out;
  }

  /** Recall@N of {@code channel}. */
  public double recallAt(String channel, int n) {
    return recall[channel(channel)][indexOf(n)];
  }

  /** Exclusive@N of {@code channel}. */
  public double exclusiveAt(String channel, int n) {
    return exclusive[channel(channel)][indexOf(n)];
  }

  /** Recall@N of the union of all channels' first N. */
  public double unionRecallAt(int n) {
    return unionRecall[indexOf(n)];
  }

  private int channel(String name) {
    int c = channels.indexOf(name);
    if (c < 0) {
      throw new IllegalArgumentException("channel '" + name + "' was not evaluated (" + channels
          + ")");
    }
    return c;
  }

  private int indexOf(int n) {
    for (int j = 0; j < ns.length; j++) {
      if (ns[j] == n) {
        return j;
      }
    }
    throw new IllegalArgumentException("N=" + n + " was not evaluated (" + java.util.Arrays
        .toString(ns) + ")");
  }

  /**
   * The printable table: one row per channel and one for the union, Recall@N, exclusive@N and
   * the mean list length at the largest N; then a line for the merged list.
   */
  public String table() {
    int width = "union".length();
    for (String c : channels) {
      width = Math.max(width, c.length());
    }
    int last = ns.length - 1;
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s", "list"));
    for (int n : ns) {
      sb.append(String.format(Locale.ROOT, " %10s", "Recall@" + n));
    }
    for (int n : ns) {
      sb.append(String.format(Locale.ROOT, " %8s", "only@" + n));
    }
    sb.append(String.format(Locale.ROOT, " %9s%n", "size@" + ns[last]));
    for (int c = 0; c < channels.size(); c++) {
      sb.append(String.format(Locale.ROOT, "%-" + width + "s", channels.get(c)));
      for (int j = 0; j < ns.length; j++) {
        sb.append(String.format(Locale.ROOT, " %10.4f", recall[c][j]));
      }
      for (int j = 0; j < ns.length; j++) {
        sb.append(String.format(Locale.ROOT, " %8.4f", exclusive[c][j]));
      }
      sb.append(String.format(Locale.ROOT, " %9.1f%n", size[c][last]));
    }
    sb.append(String.format(Locale.ROOT, "%-" + width + "s", "union"));
    for (int j = 0; j < ns.length; j++) {
      sb.append(String.format(Locale.ROOT, " %10.4f", unionRecall[j]));
    }
    for (int j = 0; j < ns.length; j++) {
      sb.append(String.format(Locale.ROOT, " %8s", "-"));
    }
    sb.append(String.format(Locale.ROOT, " %9.1f%n", unionSize[last]));
    if (merged != null) {
      sb.append(String.format(Locale.ROOT, "merged (quotas %s, at most %d items): Recall %.4f, "
          + "mean %.1f items%n", merged.quotas(), merged.capacity(), merged.recall(),
          merged.size()));
    }
    return sb.toString();
  }

  /**
   * The report as CSV ({@link #CSV_HEADER}): a row per channel and N, a row per N for the
   * union ({@code list=union}, no exclusive value) and one for the merged list ({@code
   * list=merged}, {@code n} = the sum of the quotas, the quotas in the last column,
   * ';'-separated).
   */
  public String csv() {
    StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
    for (int c = 0; c < channels.size(); c++) {
      for (int j = 0; j < ns.length; j++) {
        sb.append(row(channels.get(c), ns[j], recall[c][j], fmt(exclusive[c][j]), size[c][j],
            ""));
      }
    }
    for (int j = 0; j < ns.length; j++) {
      sb.append(row("union", ns[j], unionRecall[j], "", unionSize[j], ""));
    }
    if (merged != null) {
      sb.append(row("merged", merged.capacity(), merged.recall(), "", merged.size(),
          merged.quotas().replace(',', ';')));
    }
    return sb.toString();
  }

  private String row(String list, int n, double r, String excl, double meanSize, String quotas) {
    return split + "," + list + "," + n + "," + cases + "," + fmt(r) + "," + excl + ","
        + fmt(meanSize) + "," + quotas + "\n";
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.6f", v);
  }
}
