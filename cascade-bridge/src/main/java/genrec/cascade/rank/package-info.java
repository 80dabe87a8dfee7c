/**
 * Ranking: the stage of the cascade that scores the merged candidates of one query with a
 * multi-task model and fuses the task probabilities into one score.
 *
 * <ul>
 *   <li>data: {@link genrec.cascade.rank.RankRows} (columnar rows, history once per query) and
 *       its tensors {@link genrec.cascade.rank.RankBatch};
 *   <li>one DJL block per layer: {@link genrec.cascade.rank.TargetAttention} (DIN), {@link
 *       genrec.cascade.rank.CrossLayer} (DCN-v2), {@link genrec.cascade.rank.MultiTaskLayer}
 *       (shared bottom, MMoE or PLE experts and gates, one tower per task), {@link
 *       genrec.cascade.rank.Mlp}, all composed by {@link genrec.cascade.rank.RankerNetwork}
 *       under a {@link genrec.cascade.rank.RankerConfig};
 *   <li>{@link genrec.cascade.rank.RankerTrainer} (seeded, resumable, keeps the best epoch by
 *       validation AUC) and the immutable {@link genrec.cascade.rank.RankerModel};
 *   <li>{@link genrec.cascade.rank.ScoreFusion} (weighted product of task probabilities) and
 *       {@link genrec.cascade.rank.RankMetrics} (AUC, GAUC).
 * </ul>
 */
package genrec.cascade.rank;
