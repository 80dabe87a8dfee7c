/**
 * Classic baselines behind the {@link genrec.generator.eval.Recommender} interface: {@link
 * genrec.generator.baseline.MostPop} and item-based collaborative filtering ({@link
 * genrec.generator.baseline.ItemKnn}), whose sparse top-k neighbour index is also a candidate
 * channel for the cascade.
 */
package genrec.generator.baseline;
