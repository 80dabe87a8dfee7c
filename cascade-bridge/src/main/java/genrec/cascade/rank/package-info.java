/**
 * Ranking: the stage of the cascade that scores the merged candidates of one query with a
 * multi-task model and fuses the task probabilities into one score.
 *
 * <ul>
 *   <li>data: {@link genrec.cascade.rank.features.RankRows} (columnar rows, history once per query) and
 *       its tensors {@link genrec.cascade.rank.features.RankBatch};
 *   <li>one DJL block per layer: {@link genrec.cascade.rank.model.TargetAttention} (DIN), {@link
 *       genrec.cascade.rank.model.CrossLayer} (DCN-v2), {@link genrec.cascade.rank.model.MultiTaskLayer}
 *       (shared bottom, MMoE or PLE experts and gates, one tower per task), {@link
 *       genrec.cascade.rank.model.Mlp}, all composed by {@link genrec.cascade.rank.model.RankerNetwork}
 *       under a {@link genrec.cascade.rank.model.RankerConfig};
 *   <li>{@link genrec.cascade.rank.train.RankerTrainer} (seeded, resumable, keeps the best epoch by
 *       validation AUC) and the immutable {@link genrec.cascade.rank.model.RankerModel};
 *   <li>{@link genrec.cascade.rank.model.ScoreFusion} (weighted product of task probabilities) and
 *       {@link genrec.cascade.rank.train.RankMetrics} (AUC, GAUC).
 * </ul>
 */
package genrec.cascade.rank;
