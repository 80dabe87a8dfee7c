/**
 * Evaluation: the {@link genrec.generator.eval.Recommender} interface every model implements,
 * full-ranking Recall@K / NDCG@K with ties broken against the target, catalogue coverage@K, and
 * the parallel {@link genrec.generator.eval.Evaluator} that returns an {@link
 * genrec.generator.eval.EvalReport}.
 */
package genrec.generator.eval;
