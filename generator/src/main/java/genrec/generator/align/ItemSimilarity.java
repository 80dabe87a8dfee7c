package genrec.generator.align;

/**
 * Cosine similarity of two items' text vectors (e.g. {@code ContentKnn::cosine}), the basis of
 * a {@link Reward}'s intra-list diversity.
 */
@FunctionalInterface
public interface ItemSimilarity {

  /** Cosine of items {@code a} and {@code b}, in {@code [-1, 1]}. */
  float cosine(int a, int b);
}
