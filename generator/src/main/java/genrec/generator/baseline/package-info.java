/**
 * Classic baselines behind the {@link genrec.generator.eval.Recommender} interface: {@link
 * genrec.generator.baseline.MostPop}, item-based collaborative filtering ({@link
 * genrec.generator.baseline.ItemKnn}), whose sparse top-k neighbour index is also a candidate
 * channel for the cascade, and content nearest neighbours over item text vectors ({@link
 * genrec.generator.baseline.ContentKnn}), the one baseline that ranks items with no interactions.
 */
package genrec.generator.baseline;
