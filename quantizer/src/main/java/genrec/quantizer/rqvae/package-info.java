/**
 * The TIGER RQ-VAE as DJL blocks: {@link genrec.quantizer.rqvae.RqVaeEncoder} (MLP to a latent),
 * {@link genrec.quantizer.rqvae.ResidualQuantizer} (L codebooks, nearest code per level on the
 * residual, straight-through estimator), {@link genrec.quantizer.rqvae.RqVaeDecoder}, joined in
 * {@link genrec.quantizer.rqvae.RqVaeBlock}. {@link genrec.quantizer.rqvae.RqVaeTrainer} trains
 * them with DJL autograd on PyTorch (seeded, k-means++ codebook init, dead-code resets, optional
 * EMA codebooks) and returns an immutable {@link genrec.quantizer.rqvae.RqVaeModel}, a {@link
 * genrec.quantizer.sid.Quantizer}. Settings live in {@link genrec.quantizer.rqvae.RqVaeConfig}
 * with presets {@code tiny}, {@code demo} and {@code beauty}.
 *
 * <p>Shape legend used in comments: N rows, B batch, D input dimension, Z latent dimension, L
 * levels, K codes per level.
 */
package genrec.quantizer.rqvae;
