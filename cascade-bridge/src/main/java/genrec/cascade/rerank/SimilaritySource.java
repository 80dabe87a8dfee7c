package genrec.cascade.rerank;

import java.util.List;

/**
 * Where item similarity comes from (text vectors, semantic IDs, categories), bound per request to
 * that request's candidate list. Implementations are thread-safe; the bound {@link Similarity} is
 * for one request.
 */
public interface SimilaritySource {
  /**
   * The similarity over {@code ids}, in this order.
   *
   * @throws IllegalArgumentException naming the first item the source knows nothing about
   */
  Similarity over(List<String> ids);
}
