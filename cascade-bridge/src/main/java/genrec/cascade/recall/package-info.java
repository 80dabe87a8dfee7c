/**
 * Candidate generation for the cascade: several channels each propose a short list of items for
 * a user history, and a merger turns the lists into one candidate set for ranking.
 *
 * <ul>
 *   <li>{@link genrec.cascade.recall.CandidateChannel}: history → at most N {@link
 *       genrec.cascade.recall.Candidate}s (item, score, rank), best first, history excluded,
 *       tagged with the channel's name ({@link genrec.cascade.recall.ChannelCandidates}).
 *   <li>One class per channel: {@link genrec.cascade.recall.GeneratorChannel} (constrained beam
 *       search of the trained generator, log-probabilities), {@link
 *       genrec.cascade.recall.ItemKnnChannel} (item-CF neighbours), {@link
 *       genrec.cascade.recall.PopularityChannel} (training counts) and {@link
 *       genrec.cascade.recall.ContentChannel} (text-vector neighbours, the one channel that
 *       reaches items with no interactions; vectors from the run's embedding cache, {@link
 *       genrec.cascade.recall.RunEmbeddings}).
 *   <li>{@link genrec.cascade.recall.CandidateMerger}: per-channel quotas filled in priority
 *       order, de-duplication that keeps every channel's score and rank as features ({@link
 *       genrec.cascade.recall.MergedCandidate}), history excluded.
 *   <li>{@link genrec.cascade.recall.RecallEvaluator}: each channel's Recall@N of the held-out
 *       target, the union's and the merged list's, as a {@link
 *       genrec.cascade.recall.RecallReport}.
 * </ul>
 *
 * <p>All result objects are immutable.
 */
package genrec.cascade.recall;
