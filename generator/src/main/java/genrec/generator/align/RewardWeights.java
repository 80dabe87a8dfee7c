package genrec.generator.align;

import java.util.Locale;

/**
 * Weights of a {@link Reward}'s terms: list reward = {@code rel}·mean relevance + {@code div}·
 * intra-list diversity + {@code new}·share of new items − {@code hist}·share of history items.
 *
 * @param relevance weight of the mean item relevance
 * @param diversity weight of 1 − mean pairwise cosine (needs item vectors when non-zero)
 * @param novelty weight of the share of items in the "new" set (needs that set when non-zero)
 * @param history weight of the penalty on items already in the user's history
 */
public record RewardWeights(double relevance, double diversity, double novelty, double history) {

  public RewardWeights {
    check("rel", relevance);
    check("div", diversity);
    check("new", novelty);
    check("hist", history);
  }

  private static void check(String name, double v) {
    if (!Double.isFinite(v) || v < 0) {
      throw new IllegalArgumentException("reward weight " + name + "=" + v
          + " must be finite and >= 0");
    }
  }

  /** rel=1, div=0, new=0, hist=1. */
  public static RewardWeights defaults() {
    return new RewardWeights(1, 0, 0, 1);
  }

  /**
   * Parses {@code rel=1,div=0,new=0,hist=1}; names not given keep {@link #defaults()}.
   *
   * @throws IllegalArgumentException naming the bad entry
   */
  public static RewardWeights parse(String text) {
    double[] w = {1, 0, 0, 1};
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("reward weight '" + p
            + "' is not NAME=VALUE (names: rel, div, new, hist)");
      }
      String name = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      double v;
      try {
        v = Double.parseDouble(p.substring(eq + 1).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("reward weight '" + p + "' has no number");
      }
      switch (name) {
        case "rel" -> w[0] = v;
        case "div" -> w[1] = v;
        case "new" -> w[2] = v;
        case "hist" -> w[3] = v;
        default -> throw new IllegalArgumentException("unknown reward weight '" + name
            + "' (names: rel, div, new, hist)");
      }
    }
    return new RewardWeights(w[0], w[1], w[2], w[3]);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "rel=%s,div=%s,new=%s,hist=%s", num(relevance),
        num(diversity), num(novelty), num(history));
  }

  private static String num(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
