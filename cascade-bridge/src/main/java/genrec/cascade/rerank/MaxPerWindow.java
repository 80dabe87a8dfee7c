package genrec.cascade.rerank;

/**
 * At most {@code m} items with the same value of a label in any {@code w} consecutive slots (e.g.
 * at most 1 sponsored item in any 5): a candidate may take slot s only if fewer than m of slots
 * s−w+1 .. s−1 share its value. Candidates without a value are never held back.
 */
public final class MaxPerWindow extends LabelRule {
  private final int m;
  private final int w;

  private MaxPerWindow(String label, String value, int m, int w) {
    super(label, value);
    this.m = requireAtLeast("m", m, 0);
    this.w = requireAtLeast("w", w, 1);
  }

  /** At most {@code m >= 0} of any one value of {@code label} in any {@code w >= 1} slots. */
  public static MaxPerWindow of(String label, int m, int w) {
    return new MaxPerWindow(label, null, m, w);
  }

  /** At most {@code m >= 0} of {@code label = value} in any {@code w >= 1} slots. */
  public static MaxPerWindow of(String label, String value, int m, int w) {
    return new MaxPerWindow(label, value, m, w);
  }

  @Override
  public boolean allows(Slate slate, int candidate) {
    int code = countedCode(slate.candidates(), candidate);
    int s = slate.size();
    return code == Candidates.NO_LABEL || count(slate, label, code, s - w + 1, s) < m;
  }

  @Override
  public String describe() {
    return "max " + m + " " + of() + " in any " + w + " slots";
  }
}
