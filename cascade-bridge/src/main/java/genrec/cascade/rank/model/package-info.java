/**
 * The multi-task ranker as DJL blocks, one class per layer: {@link
 * genrec.cascade.rank.model.TargetAttention} (DIN), {@link genrec.cascade.rank.model.CrossLayer}
 * (DCN-v2), {@link genrec.cascade.rank.model.MultiTaskLayer} (shared bottom, MMoE or PLE experts
 * and gates, one tower per task), {@link genrec.cascade.rank.model.Mlp}, all composed by {@link
 * genrec.cascade.rank.model.RankerNetwork} under a {@link genrec.cascade.rank.model.RankerConfig};
 * the immutable trained {@link genrec.cascade.rank.model.RankerModel}, and {@link
 * genrec.cascade.rank.model.ScoreFusion} (weighted product of task probabilities).
 *
 * <p>Shape legend used in comments throughout the package: B rows, F dense features, L history
 * positions, E embedding width, V = 4E item vector width, D input width of a layer (F + 2V for the
 * cross layers), H hidden or expert width, N experts per task pool, T tasks.
 */
package genrec.cascade.rank.model;
