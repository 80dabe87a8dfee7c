/**
 * Offline measurement of the cascade's stages, as library code that returns result objects (the
 * commands only print them): the re-rank sweep ({@link genrec.cascade.eval.RerankSweep}, the
 * relevance / diversity trade-off of re-ranking and the cost of the cold-start share) and the
 * procedure of {@code genrec rerank-eval} around it ({@link
 * genrec.cascade.eval.RerankEvaluation}). Relevance is measured with {@link
 * genrec.generator.eval.RankingMetrics}, the same as {@code genrec eval}.
 */
package genrec.cascade.eval;
