package genrec.generator.decode;

import genrec.generator.eval.Recommender;
import java.util.List;

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
    double logM = Math.log(members.size());
    for (int i = 0; i < numItems; i++) {
      scores[i] = p[i] > 0 ? (float) (Math.log(p[i]) - logM) : Float.NEGATIVE_INFINITY;
    }
  }
}
