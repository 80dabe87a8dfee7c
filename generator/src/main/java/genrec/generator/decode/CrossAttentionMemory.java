package genrec.generator.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import genrec.generator.model.EncoderOutput;
import genrec.generator.model.SidTransformer;

/**
 * Each decoder layer's cross-attention keys and values, computed ONCE per user from the encoder
 * output and shared by all of that user's beams: the decoder step groups rows by user instead of
 * copying memory per beam (see {@link
 * genrec.generator.model.MultiHeadAttention#attendGrouped}). Per request; legend in {@link
 * genrec.generator.decode}.
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
  public static CrossAttentionMemory compute(SidTransformer model, ParameterStore ps,
      EncoderOutput enc) {
    NDArray[][] kv = model.crossKeysValues(ps, enc.memory()); // [L][2] × (U, H, S, Dh)
    return new CrossAttentionMemory(kv, enc.keyBias(), (int) enc.memory().getShape().get(0));
  }

  /** Users U. */
  public int users() {
    return users;
  }

  /** {@code [layer][0=keys, 1=values]}, each {@code (U, H, S, Dh)}. */
  NDArray[][] keysValues() {
    return keysValues;
  }

  /** {@code (U, 1, 1, S)}. */
  NDArray keyBias() {
    return keyBias;
  }
}
