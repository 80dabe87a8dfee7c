package genrec.generator.decode;

import ai.djl.ndarray.NDArray;
import genrec.generator.model.EncoderOutput;
import genrec.generator.model.FoldedDecoder;

/**
 * Each decoder layer's cross-attention keys and values, computed ONCE per user from the encoder
 * output and shared by all of that user's beams: the decoder step groups rows by user instead of
 * copying memory per beam (a user's beams are that user's queries, see {@link
 * FoldedDecoder#step}). Per request; legend in {@link genrec.generator.decode}.
 */
public final class CrossAttentionMemory {
  private final NDArray[][] keysValues;
  private final NDArray keyBias;
  private final int users;

  private CrossAttentionMemory(NDArray[][] keysValues, NDArray keyBias, int users) {
    this.keysValues = keysValues;
    this.keyBias = keyBias;
    this.users = users;
  }

  /** Projects the encoder memory {@code (U, S, D)} through every layer's key/value weights. */
  public static CrossAttentionMemory compute(FoldedDecoder decoder, EncoderOutput enc) {
    NDArray[][] kv = decoder.crossKeysValues(enc.memory()); // [L] × {(U,H,Dh,S), (U,H,S,Dh)}
    return new CrossAttentionMemory(kv, enc.keyBias(), (int) enc.memory().getShape().get(0));
  }

  /** Users U. */
  public int users() {
    return users;
  }

  /** {@code [layer][0=keys, 1=values]}: keys transposed {@code (U, H, Dh, S)}, values {@code
   * (U, H, S, Dh)}. */
  NDArray[][] keysValues() {
    return keysValues;
  }

  /** {@code (U, 1, 1, S)}. */
  NDArray keyBias() {
    return keyBias;
  }
}
