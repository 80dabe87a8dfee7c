package genrec.generator.decode;

/**
 * The finished hypotheses of one user, best first.
 *
 * @param items item index of each hypothesis, -1 when its path names no item (only possible
 *     with {@link Unconstrained})
 * @param scores summed log-probabilities of the path's codes (the model's full softmax, not
 *     renormalised over the allowed codes)
 * @param paths the generated codes, {@code levels} per hypothesis
 */
public record BeamResult(int[] items, float[] scores, int[][] paths) {

  /** Number of hypotheses (at most the requested K). */
  public int size() {
    return items.length;
  }

  /** Hypotheses whose path names no item. */
  public int invalidCount() {
    int n = 0;
    for (int i : items) {
      if (i < 0) {
        n++;
      }
    }
    return n;
  }
}
