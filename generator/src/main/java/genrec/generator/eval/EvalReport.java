package genrec.generator.eval;

import java.util.List;
import java.util.Locale;

/**
 * Results of one evaluation run.
 *
 * @param model the recommender's name
 * @param split "validation" or "test"
 * @param cases number of held-out targets evaluated
 * @param ks the cut-offs, ascending
 * @param recall Recall@K per cut-off (mean over cases)
 * @param ndcg NDCG@K per cut-off (mean over cases)
 * @param coverage catalogue coverage@K per cut-off: distinct items in any top-K list / catalogue
 * @param seconds wall time of the evaluation
 */
public record EvalReport(String model, String split, int cases, int[] ks, double[] recall,
    double[] ndcg, double[] coverage, double seconds) {

  /** Recall at cut-off {@code k} (must be one of {@link #ks()}). */
  public double recallAt(int k) {
    return recall[indexOf(k)];
  }

  public double ndcgAt(int k) {
    return ndcg[indexOf(k)];
  }

  public double coverageAt(int k) {
    return coverage[indexOf(k)];
  }

  private int indexOf(int k) {
    for (int i = 0; i < ks.length; i++) {
      if (ks[i] == k) {
        return i;
      }
    }
    throw new IllegalArgumentException("k=" + k + " was not evaluated (ks are " + java.util.Arrays.toString(ks) + ")");
  }

  /** Width of the model column unless a name is longer ({@link #table}). */
  private static final int NAME_WIDTH = 22;

  /**
   * A printable table of {@code reports} (which must measure the same ks): the header, then one
   * row per report, one per line; the model column is as wide as the longest name.
   */
  public static String table(List<EvalReport> reports) {
    if (reports.isEmpty()) {
      throw new IllegalArgumentException("no reports to print");
    }
    int width = NAME_WIDTH;
    for (EvalReport r : reports) {
      if (!java.util.Arrays.equals(r.ks, reports.get(0).ks)) {
        throw new IllegalArgumentException("report '" + r.model + "' measures ks "
            + java.util.Arrays.toString(r.ks) + ", the first report "
            + java.util.Arrays.toString(reports.get(0).ks));
      }
      width = Math.max(width, r.model.length());
    }
    StringBuilder sb = new StringBuilder(reports.get(0).header(width)).append('\n');
    for (EvalReport r : reports) {
      sb.append(r.row(width)).append('\n');
    }
    return sb.toString();
  }

  private String header(int width) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s %-10s %7s",
        "model", "split", "users"));
    for (int k : ks) {
      sb.append(String.format(Locale.ROOT, " %9s %9s", "Recall@" + k, "NDCG@" + k));
    }
    for (int k : ks) {
      sb.append(String.format(Locale.ROOT, " %7s", "Cov@" + k));
    }
    return sb.toString();
  }

  private String row(int width) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s %-10s %7d",
        model, split, cases));
    for (int i = 0; i < ks.length; i++) {
      sb.append(String.format(Locale.ROOT, " %9.4f %9.4f", recall[i], ndcg[i]));
    }
    for (int i = 0; i < ks.length; i++) {
      sb.append(String.format(Locale.ROOT, " %7.4f", coverage[i]));
    }
    return sb.toString();
  }
}
