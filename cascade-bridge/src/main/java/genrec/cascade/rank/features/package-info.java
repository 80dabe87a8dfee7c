/**
 * The ranker's inputs: {@link genrec.cascade.rank.features.RankFeatures} (dense features per
 * (history, candidate) row), {@link genrec.cascade.rank.features.RankRows} (columnar rows, history
 * once per query) and its tensors {@link genrec.cascade.rank.features.RankBatch}, the training and
 * validation examples {@link genrec.cascade.rank.features.RankExamples} drawn from {@link
 * genrec.cascade.rank.features.CascadeData}, and {@link genrec.cascade.rank.features.QueryScorer},
 * what scores one query's candidates.
 *
 * <p>Shape legend: B rows, F dense features, L history positions, T tasks.
 */
package genrec.cascade.rank.features;
