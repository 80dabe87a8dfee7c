package genrec.cascade.rerank;

import java.util.List;

/**
 * Turns a scored candidate list into a slate of at most {@code k} items, slot by slot, under the
 * given rules (in priority order; see the package documentation for the fallback when they leave
 * no candidate). Implementations are immutable and thread-safe; all per-call state is local to
 * the call.
 */
public interface Reranker {
  /**
   * Re-ranks {@code candidates}.
   *
   * @param candidates the scored candidates (with a similarity where the re-ranker needs one)
   * @param k the slate length; the slate has {@code min(k, candidates.size())} items
   * @param rules business rules, most important first (may be empty)
   * @throws IllegalArgumentException if {@code k < 1} or the candidates lack what this re-ranker
   *     needs
   */
  RerankResult rerank(Candidates candidates, int k, List<Rule> rules);

  /** Re-ranks without rules. */
  default RerankResult rerank(Candidates candidates, int k) {
    return rerank(candidates, k, List.of());
  }

  /** A short name for logs and benchmark rows ({@code "dpp(theta=0.5, window=5)"}). */
  String describe();
}
