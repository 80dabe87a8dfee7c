/**
 * Item text embeddings, the input of the semantic-ID quantizers.
 *
 * <ul>
 *   <li>{@link genrec.quantizer.embed.MiniLmEncoder}: the pretrained all-MiniLM-L6-v2 (quantized
 *       ONNX) sentence encoder, run offline with DJL's HuggingFace tokenizer and ONNX Runtime;
 *       texts become 384-d unit vectors (mean pooling over the attention mask, L2 norm).
 *   <li>{@link genrec.quantizer.embed.EmbeddingMatrix}: id-aligned rows of floats, the common
 *       currency of this package.
 *   <li>{@link genrec.quantizer.embed.EmbeddingFiles}: user-supplied embeddings as {@code .npy}
 *       (float32, with an id list) or CSV, validated with located errors.
 *   <li>{@link genrec.quantizer.embed.EmbeddingCache}: a fingerprinted disk cache so that a rerun
 *       on the same catalogue does not embed again.
 * </ul>
 */
package genrec.quantizer.embed;
