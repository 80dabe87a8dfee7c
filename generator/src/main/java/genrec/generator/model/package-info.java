/**
 * The seq2seq generator: {@link genrec.generator.model.GeneratorConfig} (immutable, with the
 * {@code tiny} and {@code tiger} presets), the token layout of {@link
 * genrec.generator.model.SidVocabulary}, and a T5-style pre-norm encoder-decoder built as DJL
 * blocks, one class per block: {@link genrec.generator.model.MultiHeadAttention}, {@link
 * genrec.generator.model.FeedForward}, {@link genrec.generator.model.RmsNorm}, {@link
 * genrec.generator.model.EmbeddingTable}, {@link genrec.generator.model.EncoderLayer}, {@link
 * genrec.generator.model.DecoderLayer}, {@link genrec.generator.model.SidEncoder}, {@link
 * genrec.generator.model.SidDecoder} and the whole model {@link
 * genrec.generator.model.SidTransformer}; {@link genrec.generator.model.SidLoss} is the
 * teacher-forced cross-entropy. {@link genrec.generator.model.FoldedDecoder} is the decoder's
 * weights folded for incremental inference steps (fewer, larger engine calls).
 *
 * <p>Shape legend used in comments throughout the package: B batch (users), N decoding rows
 * (users × beams), S encoder positions, G tokens summed into one encoder position (1 for TIGER,
 * levels for COMPACT), T decoder steps, D model width, H heads, Dh head width, A = H·Dh attention
 * width, F feed-forward width, V vocabulary size, K codebook size.
 */
package genrec.generator.model;
