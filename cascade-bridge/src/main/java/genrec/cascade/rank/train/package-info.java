/**
 * Training the ranker: {@link genrec.cascade.rank.train.RankerTrainer} (seeded, resumable, keeps
 * the best epoch by validation AUC) under a {@link genrec.cascade.rank.train.RankTrainConfig}, the
 * loss {@link genrec.cascade.rank.train.RankLoss}, the {@link
 * genrec.cascade.rank.train.RankCheckpoint} written after every epoch, the {@link
 * genrec.cascade.rank.train.RankTrainResult}, and {@link genrec.cascade.rank.train.RankMetrics}
 * (AUC, GAUC).
 *
 * <p>Shape legend: B rows, T tasks.
 */
package genrec.cascade.rank.train;
