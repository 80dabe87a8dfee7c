package genrec.cascade.rerank;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Jaccard similarity of item attribute sets (categories, brands, attribute tokens):
 * {@code |A ∩ B| / |A ∪ B|}; two different items with no attributes at all have similarity 0, and
 * every item has similarity 1 with itself. The Jaccard kernel is positive semi-definite.
 */
public final class CategorySimilarity implements Similarity {
  private final int[][] sets; // sorted distinct codes per candidate

  private CategorySimilarity(int[][] sets) {
    this.sets = sets;
  }

  /** The similarity of these attribute sets, one per candidate. */
  public static CategorySimilarity of(List<? extends Collection<String>> attributes) {
    Map<String, Integer> dict = new HashMap<>();
    int[][] sets = new int[attributes.size()][];
    for (int i = 0; i < sets.length; i++) {
      Collection<String> a = attributes.get(i);
      if (a == null) {
        throw new IllegalArgumentException("attribute set " + i + " is null");
      }
      sets[i] = a.stream().mapToInt(s -> dict.computeIfAbsent(s, x -> dict.size())).sorted().distinct().toArray();
    }
    return new CategorySimilarity(sets);
  }

  /** A source that looks up each item's attributes (null: unknown item). */
  public static SimilaritySource source(Function<String, ? extends Collection<String>> attributesOf) {
    return ids -> of(ids.stream().map(id -> {
      Collection<String> a = attributesOf.apply(id);
      if (a == null) {
        throw new IllegalArgumentException("no attributes for item '" + id + "'");
      }
      return a;
    }).toList());
  }

  @Override
  public int size() {
    return sets.length;
  }

  @Override
  public void row(int j, double[] out) {
    int[] a = sets[j];
    for (int i = 0; i < sets.length; i++) {
      out[i] = i == j ? 1.0 : jaccard(a, sets[i]);
    }
  }

  static double jaccard(int[] a, int[] b) {
    if (a.length == 0 && b.length == 0) {
      return 0.0;
    }
    int common = 0;
    for (int x = 0, y = 0; x < a.length && y < b.length; ) {
      if (a[x] == b[y]) {
        common++;
        x++;
        y++;
      } else if (a[x] < b[y]) {
        x++;
      } else {
        y++;
      }
    }
    return (double) common / (a.length + b.length - common);
  }

  @Override
  public String toString() {
    return "CategorySimilarity" + Arrays.deepToString(sets);
  }
}
