package genrec.cascade.rerank;

/**
 * At most {@code k} consecutive slots with the same value of a label (e.g. no more than 2 items
 * of one category in a row). Candidates without a value under the label are never held back.
 */
public final class MaxConsecutive extends LabelRule {
  private final int k;

  private MaxConsecutive(String label, String value, int k) {
    super(label, value);
    this.k = requireAtLeast("k", k, 1);
  }

  /** At most {@code k >= 1} in a row of any one value of {@code label}. */
  public static MaxConsecutive of(String label, int k) {
    return new MaxConsecutive(label, null, k);
  }

  /** At most {@code k >= 1} in a row of {@code label = value}. */
  public static MaxConsecutive of(String label, String value, int k) {
    return new MaxConsecutive(label, value, k);
  }

  @Override
  public boolean allows(Slate slate, int candidate) {
    int code = countedCode(slate.candidates(), candidate);
    int s = slate.size();
    return code == Candidates.NO_LABEL || s < k || count(slate, label, code, s - k, s) < k;
  }

  @Override
  public String describe() {
    return "max " + k + " consecutive " + of();
  }
}
