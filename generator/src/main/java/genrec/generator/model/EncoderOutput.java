package genrec.generator.model;

import ai.djl.ndarray.NDArray;

/**
 * What the encoder hands to the decoder.
 *
 * @param memory encoder states {@code (B, S, D)}
 * @param keyBias additive attention bias {@code (B, 1, 1, S)}: 0 for real positions, {@link
 *     MultiHeadAttention#MASKED} for padding
 */
public record EncoderOutput(NDArray memory, NDArray keyBias) {}
