package genrec.generator.align;

import java.util.Arrays;

/**
 * Picks the preference pairs of one user's scored beams: chosen = the beam with the highest
 * reward (the earlier, i.e. more probable, beam on ties), rejected = the {@code negatives}
 * beams with the lowest rewards (lowest first; the later beam on ties), each strictly below
 * the chosen reward by more than {@code minGap}. No pair when every reward is within {@code
 * minGap} of the best.
 */
public final class PairSelector {
  private PairSelector() {}

  /**
   * The selected beams.
   *
   * @param chosen index of the chosen beam
   * @param rejected indices of the rejected beams, lowest reward first (empty: no preference)
   */
  public record Selection(int chosen, int[] rejected) {

    public boolean isEmpty() {
      return rejected.length == 0;
    }
  }

  /**
   * @param rewards one reward per beam, beams best-first
   * @param negatives rejected beams wanted (at least 1)
   * @param minGap smallest reward gap that counts as a preference (>= 0)
   */
  public static Selection select(float[] rewards, int negatives, double minGap) {
    if (negatives < 1) {
      throw new IllegalArgumentException("negatives=" + negatives + " must be >= 1");
    }
    if (!(minGap >= 0)) {
      throw new IllegalArgumentException("minGap=" + minGap + " must be >= 0");
    }
    int n = rewards.length;
    if (n < 2) {
      return new Selection(n == 0 ? -1 : 0, new int[0]);
    }
    int best = 0;
    for (int i = 1; i < n; i++) {
      if (rewards[i] > rewards[best]) {
        best = i;
      }
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> {
      int c = Float.compare(rewards[a], rewards[b]);
      return c != 0 ? c : Integer.compare(b, a);
    });
    int[] rejected = new int[Math.min(negatives, n - 1)];
    int k = 0;
    for (int i = 0; i < n && k < rejected.length; i++) {
      int j = order[i];
      if (j != best && rewards[best] - rewards[j] > minGap) {
        rejected[k++] = j;
      }
    }
    return new Selection(best, Arrays.copyOf(rejected, k));
  }
}
