/**
 * Semantic IDs: {@link genrec.quantizer.sid.SemanticIdTable} maps item ids to {@code (c1, c2, c3,
 * dedup)} built from any 3-level {@link genrec.quantizer.sid.Quantizer} (RQ-VAE or residual
 * k-means), with append-only cold start for new items. {@link
 * genrec.quantizer.sid.CodebookStats}, {@link genrec.quantizer.sid.SemanticJaccard}, {@link
 * genrec.quantizer.sid.QuantizerReport} and {@link genrec.quantizer.sid.CodeUsageChart} measure
 * and show how good the codes are. {@link genrec.quantizer.sid.QuantizerFiles} is the folder
 * layout every saved quantizer shares.
 */
package genrec.quantizer.sid;
