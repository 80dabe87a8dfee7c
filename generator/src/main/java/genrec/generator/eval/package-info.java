/**
 * Evaluation: the {@link genrec.generator.eval.Recommender} interface every model implements,
 * full-ranking Recall@K / NDCG@K with ties broken against the target, catalogue coverage@K, and
 * the parallel {@link genrec.generator.eval.Evaluator} that returns an {@link
 * genrec.generator.eval.EvalReport}. The procedure of {@code genrec eval} (refit detection,
 * mixtures, the cold-start protocol) is {@link genrec.generator.eval.GeneratorEvaluation}; what a
 * trained generator learnt from (the one refit check) is {@link genrec.generator.eval.TrainedOn}.
 */
package genrec.generator.eval;
