/**
 * Residual k-means, OneRec's item tokenizer: {@link genrec.quantizer.rqkmeans.ResidualKMeans}
 * (trainer) turns raw embeddings into L codes per item with k-means++ seeded Lloyd iterations per
 * level on the residuals, optionally with balanced (capacity-constrained) clusters; {@link
 * genrec.quantizer.rqkmeans.ResidualKMeansModel} is the immutable result, a {@link
 * genrec.quantizer.sid.Quantizer}. {@link genrec.quantizer.rqkmeans.KMeans} holds the plain-Java
 * k-means pieces shared with the RQ-VAE trainer.
 */
package genrec.quantizer.rqkmeans;
