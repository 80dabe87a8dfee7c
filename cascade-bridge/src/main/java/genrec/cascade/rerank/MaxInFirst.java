package genrec.cascade.rerank;

/**
 * At most {@code t} items with the same value of a label in the first {@code n} slots (e.g. at
 * most 1 item of type "video" in the top 3); slots from n on are free of the rule.
 */
public final class MaxInFirst extends LabelRule {
  private final int t;
  private final int n;

  private MaxInFirst(String label, String value, int t, int n) {
    super(label, value);
    this.t = requireAtLeast("t", t, 0);
    this.n = requireAtLeast("n", n, 1);
  }

  /** At most {@code t >= 0} of any one value of {@code label} in slots 0 .. n−1. */
  public static MaxInFirst of(String label, int t, int n) {
    return new MaxInFirst(label, null, t, n);
  }

  /** At most {@code t >= 0} of {@code label = value} in slots 0 .. n−1. */
  public static MaxInFirst of(String label, String value, int t, int n) {
    return new MaxInFirst(label, value, t, n);
  }

  @Override
  public boolean allows(Slate slate, int candidate) {
    int s = slate.size();
    if (s >= n) {
      return true;
    }
    int code = countedCode(slate.candidates(), candidate);
    return code == Candidates.NO_LABEL || count(slate, label, code, 0, s) < t;
  }

  @Override
  public String describe() {
    return "max " + t + " " + of() + " in the first " + n + " slots";
  }
}
