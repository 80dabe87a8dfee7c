package genrec.generator.baseline;

import genrec.generator.eval.Recommender;
import java.util.List;

/**
 * Recommends the items most interacted with in training, the same list for everyone (minus the
 * user's own history when {@code excludeHistory}).
 */
public final class MostPop implements Recommender {
  private final float[] counts;
  private final boolean excludeHistory;

  private MostPop(float[] counts, boolean excludeHistory) {
    this.counts = counts;
    this.excludeHistory = excludeHistory;
  }

  /** Counts every interaction in {@code train} (sequences of dense item indices). */
  public static MostPop fit(List<int[]> train, int numItems, boolean excludeHistory) {
    float[] c = new float[numItems];
    for (int[] s : train) {
      for (int i : s) {
        c[i]++;
      }
    }
    return new MostPop(c, excludeHistory);
  }

  @Override
  public String name() {
    return "MostPop";
  }

  @Override
  public int numItems() {
    return counts.length;
  }

  /** Training interaction count of an item. */
  public float count(int item) {
    return counts[item];
  }

  @Override
  public void score(int[] history, float[] scores) {
    System.arraycopy(counts, 0, scores, 0, counts.length);
    if (excludeHistory) {
      for (int i : history) {
        scores[i] = Float.NEGATIVE_INFINITY;
      }
    }
  }
}
