package genrec.cascade.rerank;

/**
 * A guaranteed share of slots for new items: at least one candidate flagged new ({@link
 * Candidates#isFresh}) in every block of {@code period} slots (slots 0..period−1, period..2·period−1,
 * ...). New items may take any slot on their merits; the last slot of a block that has none yet
 * admits only new items. A partial last block (slate length not a multiple of the period) is not
 * held to the share.
 */
public final class NewItemShare implements Rule {
  private final int period;

  private NewItemShare(int period) {
    if (period < 1) {
      throw new IllegalArgumentException("period=" + period + " must be >= 1");
    }
    this.period = period;
  }

  /** One new item in every {@code period} slots. */
  public static NewItemShare oneIn(int period) {
    return new NewItemShare(period);
  }

  public int period() {
    return period;
  }

  @Override
  public boolean allows(Slate slate, int candidate) {
    int s = slate.size();
    if (s % period != period - 1 || slate.candidates().isFresh(candidate)) {
      return true;
    }
    for (int t = s - period + 1; t < s; t++) {
      if (slate.candidates().isFresh(slate.at(t))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String describe() {
    return "one new item in every " + period + " slots";
  }
}
