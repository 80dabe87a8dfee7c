package genrec.quantizer.sid;

import java.util.ArrayList;
import java.util.List;

/**
 * How well one codebook level is used.
 *
 * @param level the level, 0-based
 * @param codebookSize K
 * @param used codes used at least once
 * @param utilisation {@code used / K}, in [0, 1]
 * @param perplexity {@code exp(entropy)} of the code distribution (natural log), in [1, K]; K when
 *     all codes are used equally, 1 when everything maps to one code
 * @param counts rows per code, {@code (K)}
 */
public record CodebookStats(
    int level, int codebookSize, int used, double utilisation, double perplexity, long[] counts) {

  /** Stats from per-code counts. */
  public static CodebookStats ofCounts(int level, long[] counts) {
    long total = 0;
    int used = 0;
    for (long c : counts) {
      total += c;
      if (c > 0) {
        used++;
      }
    }
    double h = 0;
    if (total > 0) {
      for (long c : counts) {
        if (c > 0) {
          double p = (double) c / total;
          h -= p * Math.log(p);
        }
      }
    }
    return new CodebookStats(
        level, counts.length, used, (double) used / counts.length, Math.exp(h), counts.clone());
  }

  /** Stats per level of {@code codes (N, L)} with codes in {@code [0, K)}. */
  public static List<CodebookStats> of(int[][] codes, int codebookSize) {
    int levels = codes.length == 0 ? 0 : codes[0].length;
    long[][] counts = new long[levels][codebookSize]; // (L, K)
    for (int[] row : codes) {
      for (int l = 0; l < levels; l++) {
        counts[l][row[l]]++;
      }
    }
    List<CodebookStats> out = new ArrayList<>(levels);
    for (int l = 0; l < levels; l++) {
      out.add(ofCounts(l, counts[l]));
    }
    return out;
  }

  /** A short text, e.g. {@code L1 util=0.98 ppl=201.3}. */
  public String summary() {
    return String.format(
        java.util.Locale.ROOT, "L%d util=%.2f ppl=%.1f", level + 1, utilisation, perplexity);
  }
}
