/**
 * Ranking: the stage of the cascade that scores the merged candidates of one query with a
 * multi-task model and fuses the task probabilities into one score. The features and rows are in
 * {@link genrec.cascade.rank.features}, the network, its layers and the trained model in {@link
 * genrec.cascade.rank.model}, the trainer, loss, checkpoint and metrics in {@link
 * genrec.cascade.rank.train}. This package fits the channels and features of a cascade ({@link
 * genrec.cascade.rank.CascadeInputs}) and measures the whole cascade as a recommender ({@link
 * genrec.cascade.rank.CascadeRecommender}).
 */
package genrec.cascade.rank;
