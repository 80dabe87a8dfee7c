package genrec.cascade.rank.features;

/**
 * Scores the candidates of one history's {@link RankFeatures.Query}: one fused ranking score per
 * row, higher is better. The trained ranker implements it; so can a fixed rule. Implementations
 * are thread-safe.
 */
public interface QueryScorer {

  /** One score per row of {@code query}. */
  float[] score(RankFeatures.Query query);
}
