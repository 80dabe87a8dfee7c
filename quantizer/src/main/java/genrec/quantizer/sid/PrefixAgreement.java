package genrec.quantizer.sid;

/**
 * How often two code assignments of the same items agree on their leading codes. {@code
 * genrec quantize --cf-weight} uses it to measure what item-CF mixing costs a new item: the codes
 * an item's text vector alone gets (what {@code quantize assign} gives a new item) against the
 * codes of its mixed vector (what it would get with interactions).
 */
public final class PrefixAgreement {
  private PrefixAgreement() {}

  /**
   * Share of rows whose first {@code l + 1} codes agree, for each level {@code l}.
   *
   * @param a codes, {@code (N, L)}
   * @param b codes of the same N items, {@code (N, L)}
   * @return {@code (L)}: entry l is the share of rows with {@code a[i][0..l] == b[i][0..l]},
   *     non-increasing in l; an empty array when N is 0
   */
  public static double[] shares(int[][] a, int[][] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("rows differ: " + a.length + " vs " + b.length);
    }
    int levels = a.length == 0 ? 0 : a[0].length;
    long[] agree = new long[levels];
    for (int i = 0; i < a.length; i++) {
      if (a[i].length != levels || b[i].length != levels) {
        throw new IllegalArgumentException("row " + i + " has " + a[i].length + " and "
            + b[i].length + " codes, expected " + levels);
      }
      for (int l = 0; l < levels && a[i][l] == b[i][l]; l++) {
        agree[l]++;
      }
    }
    double[] out = new double[levels];
    for (int l = 0; l < levels; l++) {
      out[l] = a.length == 0 ? 0 : (double) agree[l] / a.length;
    }
    return out;
  }
}
