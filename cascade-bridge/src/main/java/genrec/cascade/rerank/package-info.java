/**
 * Re-ranking: the last stage of the cascade, which turns a scored candidate list into the slate
 * of K items a user sees. Every re-ranker is a {@link genrec.cascade.rerank.Reranker} and every
 * business rule a {@link genrec.cascade.rerank.Rule}, so serving composes them:
 *
 * <ul>
 *   <li>{@link genrec.cascade.rerank.ScoreOrder}: by score alone (the baseline, rules still apply);
 *   <li>{@link genrec.cascade.rerank.Mmr}: maximal marginal relevance with a sliding window;
 *   <li>{@link genrec.cascade.rerank.Dpp}: fast greedy MAP inference of a determinantal point
 *       process (Chen, Zhang and Zhou, NeurIPS 2018), whole-set or sliding-window;
 *   <li>rules that restrict which candidates may take the next slot:
 *       {@link genrec.cascade.rerank.MaxConsecutive}, {@link genrec.cascade.rerank.MaxPerWindow},
 *       {@link genrec.cascade.rerank.MaxInFirst}, {@link genrec.cascade.rerank.PinnedSlot},
 *       {@link genrec.cascade.rerank.NewItemShare};
 *   <li>{@link genrec.cascade.rerank.ColdStart}: score boost and a guaranteed share of slots for
 *       new items, under a per-item exposure cap;
 *   <li>{@link genrec.cascade.rerank.RerankPipeline}: cold start, then a re-ranker with rules;
 *   <li>measuring them offline: {@link genrec.cascade.rerank.ListDiversity} (intra-list diversity,
 *       distinct groups per list) and {@link genrec.cascade.eval.RerankSweep} (relevance order,
 *       MMR and DPP over θ and windows on held-out users: NDCG/Recall@K against diversity and
 *       coverage, with and without the cold-start stage; {@code genrec rerank-eval}).
 * </ul>
 *
 * <p>Item similarity comes from a {@link genrec.cascade.rerank.SimilaritySource} (text vectors,
 * semantic-ID prefixes, category sets) bound to one candidate list as a
 * {@link genrec.cascade.rerank.Similarity}.
 *
 * <p><b>Greedy slot filling.</b> Every re-ranker fills slots 0, 1, ..., K-1 in turn. For each slot
 * the candidates not yet placed are <i>eligible</i> when every rule allows them; the re-ranker picks
 * the eligible candidate with the highest gain (ties: lowest candidate index). Rules are given in
 * priority order, most important first. <b>Fallback:</b> when no candidate meets all rules for a
 * slot, the last (least important) rule still in force is dropped for that slot, and so on until
 * some candidate is eligible; each dropped rule is recorded in {@link
 * genrec.cascade.rerank.RerankResult#notes()} ({@code "slot 7: relaxed max 2 consecutive by
 * category"}) and counted in {@link genrec.cascade.rerank.RerankResult#relaxedRules()}. The rules are back in force for the next slot. A slate is shorter than K only when
 * there are fewer than K candidates.
 */
package genrec.cascade.rerank;
