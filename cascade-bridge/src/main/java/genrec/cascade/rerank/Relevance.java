package genrec.cascade.rerank;

/** Relevance transforms of candidate scores used by the re-rankers. */
final class Relevance {
  private Relevance() {}

  /** Scores min-max normalized to [0, 1]; all 1 when every score is equal. */
  static double[] minMax(Candidates c) {
    int n = c.size();
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      lo = Math.min(lo, c.score(i));
      hi = Math.max(hi, c.score(i));
    }
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      r[i] = hi > lo ? (c.score(i) - lo) / (hi - lo) : 1.0;
    }
    return r;
  }

  /**
   * The DPP quality {@code q(i) = exp(alpha · (score(i) − max score))}. Subtracting the maximum
   * keeps every q in (0, 1] (no overflow); it scales the kernel by a constant per slate size, so
   * no greedy choice changes.
   */
  static double[] expQuality(Candidates c, double alpha) {
    int n = c.size();
    double hi = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      hi = Math.max(hi, c.score(i));
    }
    double[] q = new double[n];
    for (int i = 0; i < n; i++) {
      q[i] = Math.exp(alpha * (c.score(i) - hi));
    }
    return q;
  }
}
