/**
 * The run folder and the pipeline object: the layer above the models that every caller shares.
 *
 * <ul>
 *   <li>{@link genrec.cascade.pipeline.RunFolder}: a run's layout, one typed accessor per artifact
 *       (catalogue snapshot, embeddings, semantic IDs and quantizer, generator, ranker and its
 *       cascade, align, exposure state, admin token) and errors that name the missing artifact
 *       and the command that makes it;
 *   <li>{@link genrec.cascade.pipeline.Pipeline}: the cascade (channels, merge, exposure, rank,
 *       re-rank, rules, cold start), loaded once from a run folder ({@link
 *       genrec.cascade.pipeline.Pipeline#loader}) or assembled by a server over its live
 *       catalogue ({@link genrec.cascade.pipeline.Pipeline#builder}); a {@link
 *       genrec.cascade.pipeline.CascadeRequest} in, a {@link
 *       genrec.cascade.pipeline.CascadeResult} out, every stage timed;
 *   <li>its parts: {@link genrec.cascade.pipeline.RecallChannels} (popularity, ItemKNN, content,
 *       fitted once; the ranking features over the same objects), {@link
 *       genrec.cascade.pipeline.Generators} (one generator or a mixture, batched searches),
 *       {@link genrec.cascade.pipeline.RankingStage} (the trained ranker as a {@link
 *       genrec.cascade.pipeline.CandidateScorer}), {@link genrec.cascade.pipeline.ItemView} and
 *       {@link genrec.cascade.pipeline.ExposureLog} (what a server supplies live);
 *   <li>{@link genrec.cascade.pipeline.CascadeInputs} and {@link
 *       genrec.cascade.pipeline.CascadeRecommender}: the same channels as lists for ranker
 *       training, and the cascade as a {@code Recommender} for the evaluation harness.
 * </ul>
 *
 * {@code genrec eval --cascade}, {@code rank train}, {@code bench rank} and {@code serve} all
 * call this package; nothing else assembles the cascade.
 */
package genrec.cascade.pipeline;
