package genrec.cascade.rerank;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Similarity from shared semantic-ID prefixes: items with the same first code c1 have similarity
 * {@code s1}, the same (c1, c2) {@code s2}, the same (c1, c2, c3) 1 (the dedup code is ignored:
 * items that share the three content codes are interchangeable for diversity), otherwise 0.
 * Defaults: {@link #DEFAULT_S1} = 0.25, {@link #DEFAULT_S2} = 0.5. With {@code 0 <= s1 <= s2 <= 1}
 * the matrix is {@code s1 B1 + (s2 - s1) B2 + (1 - s2) B3} with Bk the block-of-ones matrix of the
 * length-k prefix groups, so it is positive semi-definite (DPP-ready).
 */
public final class SemanticIdSimilarity implements Similarity {
  public static final double DEFAULT_S1 = 0.25;
  public static final double DEFAULT_S2 = 0.5;

  private final int[] g1;
  private final int[] g2;
  private final int[] g3;
  private final double s1;
  private final double s2;

  private SemanticIdSimilarity(int[] g1, int[] g2, int[] g3, double s1, double s2) {
    this.g1 = g1;
    this.g2 = g2;
    this.g3 = g3;
    this.s1 = s1;
    this.s2 = s2;
  }

  /**
   * The similarity of these semantic IDs (at least three codes each).
   *
   * @throws IllegalArgumentException unless {@code 0 <= s1 <= s2 <= 1}, or for a short ID
   */
  public static SemanticIdSimilarity of(int[][] codes, double s1, double s2) {
    checkLevels(s1, s2);
    int n = codes.length;
    int[] g1 = new int[n];
    int[] g2 = new int[n];
    int[] g3 = new int[n];
    Map<String, Integer> groups = new HashMap<>();
    for (int i = 0; i < n; i++) {
      int[] c = codes[i];
      if (c == null || c.length < 3) {
        throw new IllegalArgumentException("semantic ID " + i + " has " + (c == null ? 0 : c.length) + " codes, needs at least 3");
      }
      g1[i] = groups.computeIfAbsent("1:" + c[0], x -> groups.size());
      g2[i] = groups.computeIfAbsent("2:" + c[0] + "," + c[1], x -> groups.size());
      g3[i] = groups.computeIfAbsent("3:" + c[0] + "," + c[1] + "," + c[2], x -> groups.size());
    }
    return new SemanticIdSimilarity(g1, g2, g3, s1, s2);
  }

  /** A source that looks up each item's semantic ID (null: unknown item). */
  public static SimilaritySource source(Function<String, int[]> codesOf, double s1, double s2) {
    checkLevels(s1, s2);
    return ids -> {
      int[][] codes = new int[ids.size()][];
      for (int i = 0; i < codes.length; i++) {
        codes[i] = codesOf.apply(ids.get(i));
        if (codes[i] == null) {
          throw new IllegalArgumentException("no semantic ID for item '" + ids.get(i) + "'");
        }
      }
      return of(codes, s1, s2);
    };
  }

  private static void checkLevels(double s1, double s2) {
    if (!(s1 >= 0 && s1 <= s2 && s2 <= 1)) {
      throw new IllegalArgumentException("s1=" + s1 + ", s2=" + s2 + " must satisfy 0 <= s1 <= s2 <= 1");
    }
  }

  @Override
  public int size() {
    return g1.length;
  }

  @Override
  public void row(int j, double[] out) {
    for (int i = 0; i < g1.length; i++) {
      out[i] = g3[i] == g3[j] ? 1.0 : g2[i] == g2[j] ? s2 : g1[i] == g1[j] ? s1 : 0.0;
    }
  }
}
