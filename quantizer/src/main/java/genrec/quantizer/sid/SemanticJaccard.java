package genrec.quantizer.sid;

import genrec.quantizer.catalog.Catalog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Do semantic IDs group similar items? Mean Jaccard overlap of item attribute sets ({@code
 * Item.attributes()}) for pairs sharing the first code, pairs sharing the first two codes, and
 * random pairs; the ratios to random show how much structure the codes carry (1 = none).
 *
 * <p>Pairs are sampled with a seed, so it is cheap on large catalogues: pick an item uniformly
 * among items whose group has at least two members, then a different item of its group. Pairs
 * whose attribute sets are both empty are skipped (Jaccard undefined).
 */
public final class SemanticJaccard {
  private SemanticJaccard() {}

  /**
   * The result.
   *
   * @param pairs pairs sampled per kind (fewer if groups were too small)
   * @param randomMean mean Jaccard of random pairs
   * @param sameC1Mean mean Jaccard of pairs sharing c1
   * @param sameC1C2Mean mean Jaccard of pairs sharing c1 and c2
   * @param c1Ratio {@code sameC1Mean / randomMean} (NaN if random is 0)
   * @param c1c2Ratio {@code sameC1C2Mean / randomMean} (NaN if random is 0)
   */
  public record Result(
      int pairs,
      double randomMean,
      double sameC1Mean,
      double sameC1C2Mean,
      double c1Ratio,
      double c1c2Ratio) {}

  /** Samples {@code pairs} pairs of each kind with {@code seed}. */
  public static Result compute(Catalog catalog, SemanticIdTable table, int pairs, long seed) {
    if (pairs < 1) {
      throw new IllegalArgumentException("pairs=" + pairs + " must be >= 1");
    }
    List<Set<String>> attrs = new ArrayList<>();
    List<int[]> sids = new ArrayList<>();
    for (int i = 0; i < table.size(); i++) {
      int c = catalog.indexOf(table.ids().get(i));
      if (c >= 0) {
        attrs.add(new HashSet<>(catalog.get(c).attributes()));
        sids.add(table.codesAt(i));
      }
    }
    Random rnd = new Random(seed);
    double random = sampleRandom(attrs, pairs, rnd);
    double c1 = sampleGroups(attrs, groups(sids, 1), pairs, rnd);
    double c12 = sampleGroups(attrs, groups(sids, 2), pairs, rnd);
    return new Result(
        pairs, random, c1, c12, random > 0 ? c1 / random : Double.NaN,
        random > 0 ? c12 / random : Double.NaN);
  }

  /** Jaccard overlap {@code |a ∩ b| / |a ∪ b|}; NaN when both are empty. */
  public static double jaccard(Set<String> a, Set<String> b) {
    if (a.isEmpty() && b.isEmpty()) {
      return Double.NaN;
    }
    int inter = 0;
    for (String s : a) {
      if (b.contains(s)) {
        inter++;
      }
    }
    return (double) inter / (a.size() + b.size() - inter);
  }

  private static List<List<Integer>> groups(List<int[]> sids, int prefix) {
    Map<List<Integer>, List<Integer>> m = new HashMap<>();
    for (int i = 0; i < sids.size(); i++) {
      List<Integer> key = new ArrayList<>(prefix);
      for (int l = 0; l < prefix; l++) {
        key.add(sids.get(i)[l]);
      }
      m.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
    }
    List<List<Integer>> out = new ArrayList<>();
    for (List<Integer> g : m.values()) {
      if (g.size() >= 2) {
        out.add(g);
      }
    }
    // deterministic order regardless of hash iteration
    out.sort((x, y) -> Integer.compare(x.get(0), y.get(0)));
    return out;
  }

  private static double sampleRandom(List<Set<String>> attrs, int pairs, Random rnd) {
    int n = attrs.size();
    if (n < 2) {
      return Double.NaN;
    }
    double sum = 0;
    int got = 0;
    for (int t = 0; t < pairs * 10 && got < pairs; t++) {
      int i = rnd.nextInt(n);
      int j = rnd.nextInt(n - 1);
      if (j >= i) {
        j++;
      }
      double jac = jaccard(attrs.get(i), attrs.get(j));
      if (!Double.isNaN(jac)) {
        sum += jac;
        got++;
      }
    }
    return got == 0 ? Double.NaN : sum / got;
  }

  private static double sampleGroups(
      List<Set<String>> attrs, List<List<Integer>> groups, int pairs, Random rnd) {
    int members = 0;
    for (List<Integer> g : groups) {
      members += g.size();
    }
    if (members == 0) {
      return Double.NaN;
    }
    // item-uniform: cumulative group sizes
    int[] cum = new int[groups.size()];
    int acc = 0;
    for (int g = 0; g < groups.size(); g++) {
      acc += groups.get(g).size();
      cum[g] = acc;
    }
    double sum = 0;
    int got = 0;
    for (int t = 0; t < pairs * 10 && got < pairs; t++) {
      int u = rnd.nextInt(members);
      int g = java.util.Arrays.binarySearch(cum, u + 1);
      g = g >= 0 ? g : -g - 1;
      List<Integer> grp = groups.get(g);
      int a = rnd.nextInt(grp.size());
      int b = rnd.nextInt(grp.size() - 1);
      if (b >= a) {
        b++;
      }
      double jac = jaccard(attrs.get(grp.get(a)), attrs.get(grp.get(b)));
      if (!Double.isNaN(jac)) {
        sum += jac;
        got++;
      }
    }
    return got == 0 ? Double.NaN : sum / got;
  }
}
