package genrec.generator.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import genrec.generator.model.EncoderOutput;
import genrec.generator.model.FoldedDecoder;
import genrec.generator.model.SelfKv;
import genrec.generator.model.SidTransformer;

/**
 * The decoder step function: this step's tokens, the KV cache and the cross-attention memory in;
 * logits of the level being decoded out, computed by the model's {@link FoldedDecoder}. {@link
 * #uncached} recomputes the whole prefix with the full decoder pass of the model's blocks
 * instead; both must give the same logits. Legend in {@link genrec.generator.decode}.
 */
public final class DecoderStep {
  private final SidTransformer model;
  private final FoldedDecoder folded;

  /**
   * @param model the network ({@link #uncached})
   * @param folded its decoder folded for incremental steps ({@link #step}); null when only
   *     {@link #uncached} is used
   */
  public DecoderStep(SidTransformer model, FoldedDecoder folded) {
    this.model = model;
    this.folded = folded;
  }

  /**
   * One cached step at level {@code t = cache.length()}; appends to the cache and advances it.
   *
   * @param tokens this step's input ids {@code (N)} int32 (BOS at t = 0)
   * @return logits of level t {@code (N, K)}
   */
  public NDArray step(NDArray tokens, KvCache cache, CrossAttentionMemory memory) {
    int n = (int) tokens.getShape().get(0);
    if (n != cache.rows() || n % memory.users() != 0) {
      throw new IllegalArgumentException(n + " token rows do not match the cache's "
          + cache.rows() + " rows and " + memory.users() + " users");
    }
    int layers = model.config().decoderLayers();
    SelfKv[] views = new SelfKv[layers];
    for (int l = 0; l < layers; l++) {
      views[l] = cache.layer(l);
    }
    NDArray logits = folded.step(tokens, cache.length(), views, memory.keysValues(),
        memory.keyBias(), n / memory.users()); // (N, K)
    cache.advance();
    return logits; // (N, K)
  }

  /**
   * The same logits without any cache: the full causal decoder pass over the whole prefix, with
   * the encoder memory copied per row.
   *
   * @param prefixTokens ids so far {@code (N, t+1)} (BOS first)
   * @param enc encoder output of the U users
   * @param userOfRow user index of each of the N rows
   * @return logits of level t {@code (N, K)}
   */
  public NDArray uncached(ParameterStore ps, NDArray prefixTokens, EncoderOutput enc,
      int[] userOfRow) {
    NDManager m = prefixTokens.getManager();
    NDArray idx = m.create(userOfRow); // (N)
    NDArray memory = enc.memory().get(new NDIndex("{}", idx)); // (N, S, D)
    NDArray bias = enc.keyBias().get(new NDIndex("{}", idx)); // (N, 1, 1, S)
    NDArray all = model.decode(ps, prefixTokens, new EncoderOutput(memory, bias),
        false); // (N, t+1, K)
    Shape s = all.getShape();
    return all.get(new NDIndex(":, {}", s.get(1) - 1)); // (N, K)
  }
}
