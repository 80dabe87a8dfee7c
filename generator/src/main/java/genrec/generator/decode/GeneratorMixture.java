package genrec.generator.decode;

import genrec.generator.eval.Recommender;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * An equal-weight mixture of generators: each member proposes its own top items with their
 * log-probabilities (a {@link GenerativeRecommender}), and an item's mixture score is {@code log
 * ((1/M) · Σ_m p_m(item))}, where {@code p_m} is 0 for an item member m did not return. Members
 * may decode different semantic-ID tables of the same catalogue (e.g. two item-CF weights), since
 * they agree on items, not codes. Each call runs every member's beam search, so it costs the sum
 * of theirs. Immutable and thread-safe when the members are.
 */
public final class GeneratorMixture implements Recommender {
  private final List<Recommender> members;
  private final String name;
  private final int numItems;

  /**
   * @param members two or more recommenders over the same catalogue whose finite scores are
   *     log-probabilities ({@code -Infinity}: not proposed)
   * @param name table name
   */
  public GeneratorMixture(List<? extends Recommender> members, String name) {
    if (members.size() < 2) {
      throw new IllegalArgumentException("a mixture needs at least 2 generators, got "
          + members.size());
    }
    this.numItems = members.get(0).numItems();
    for (Recommender m : members) {
      if (m.numItems() != numItems) {
        throw new IllegalArgumentException("generator '" + m.name() + "' scores " + m.numItems()
            + " items but '" + members.get(0).name() + "' scores " + numItems
            + ": a mixture's members must share one catalogue");
      }
    }
    this.members = List.copyOf(members);
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int numItems() {
    return numItems;
  }

  @Override
  public void score(int[] history, float[] scores) {
    double[] p = new double[numItems];
    float[] s = new float[numItems];
    for (Recommender m : members) {
      m.score(history, s);
      for (int i = 0; i < numItems; i++) {
        if (s[i] != Float.NEGATIVE_INFINITY) {
          p[i] += Math.exp(s[i]);
        }
      }
    }
    for (int i = 0; i < numItems; i++) {
      scores[i] = mixtureScore(p[i], members.size());
    }
  }

  /**
   * The mixture of the members' beam results for one user, as {@link #score} computes it but
   * over the items the members returned (the serving path): best first, ties by item index, at
   * most {@code topK}.
   *
   * @param results one result per member for the same history (invalid items, -1, are ignored)
   * @param pathOf the semantic ID reported for an item (the members' tables may differ)
   */
  public static BeamResult combine(List<BeamResult> results, int topK, IntFunction<int[]> pathOf) {
    Map<Integer, Double> p = new HashMap<>();
    for (BeamResult r : results) {
      Map<Integer, Float> best = new HashMap<>(); // a member's score of an item: its best path
      for (int i = 0; i < r.size(); i++) {
        if (r.items()[i] >= 0) {
          best.merge(r.items()[i], r.scores()[i], Math::max);
        }
      }
      best.forEach((item, lp) -> p.merge(item, Math.exp(lp), Double::sum));
    }
    int[] items = p.keySet().stream()
        .sorted(Comparator.comparingDouble((Integer i) -> -p.get(i)).thenComparingInt(i -> i))
        .limit(topK).mapToInt(Integer::intValue).toArray();
    float[] scores = new float[items.length];
    int[][] paths = new int[items.length][];
    for (int i = 0; i < items.length; i++) {
      scores[i] = mixtureScore(p.get(items[i]), results.size());
      paths[i] = pathOf.apply(items[i]);
    }
    return new BeamResult(items, scores, paths);
  }

  /**
   * How many items each member proposes for a mixture's top {@code k} at beam width {@code beam}:
   * {@code max(10, k, beam)}, capped at the catalogue. At least 10 (the K the evaluation
   * measures), so any k up to 10 is ranked from the same proposals; at least the beam, so a
   * member offers every path it kept.
   */
  public static int proposalsPerMember(int k, int beam, int numItems) {
    return Math.min(Math.max(Math.max(10, k), beam), numItems);
  }

  /** {@code log(probabilitySum / members)}; -Infinity when no member proposed the item. */
  private static float mixtureScore(double probabilitySum, int members) {
    return probabilitySum > 0 ? (float) (Math.log(probabilitySum) - Math.log(members))
        : Float.NEGATIVE_INFINITY;
  }
}
