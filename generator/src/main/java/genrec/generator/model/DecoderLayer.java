package genrec.generator.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One pre-norm decoder layer: causal self-attention, cross-attention over the encoder memory,
 * MLP, each as {@code x += drop(sublayer(norm(x)))}. This is the full pass over all T steps
 * ({@link #apply}, {@link #applyGrouped}: training and the reference); incremental inference
 * steps run through {@link FoldedDecoder}, which must agree with it.
 *
 * <p>Block inputs: {@code x (B, T, D)}, {@code memory (B, S, D)}, {@code causalBias (1, 1, T,
 * T)}, {@code keyBias (B, 1, 1, S)}; output {@code (B, T, D)}. Legend as in {@link
 * MultiHeadAttention}.
 */
public final class DecoderLayer extends AbstractBlock {
  private static final byte VERSION = 1;
  private final float dropout;
  private final RmsNorm norm1;
  private final MultiHeadAttention selfAttention;
  private final RmsNorm norm2;
  private final MultiHeadAttention crossAttention;
  private final RmsNorm norm3;
  private final FeedForward feedForward;

  public DecoderLayer(GeneratorConfig c) {
    super(VERSION);
    this.dropout = c.dropout();
    this.norm1 = addChildBlock("norm1", new RmsNorm(c.dModel(), c.normEps()));
    this.selfAttention = addChildBlock("selfAttention", MultiHeadAttention.builder()
        .setDModel(c.dModel()).setHeads(c.heads()).optHeadDim(c.headDim()).build());
    this.norm2 = addChildBlock("norm2", new RmsNorm(c.dModel(), c.normEps()));
    this.crossAttention = addChildBlock("crossAttention", MultiHeadAttention.builder()
        .setDModel(c.dModel()).setHeads(c.heads()).optHeadDim(c.headDim()).build());
    this.norm3 = addChildBlock("norm3", new RmsNorm(c.dModel(), c.normEps()));
    this.feedForward = addChildBlock("feedForward", FeedForward.builder()
        .setDModel(c.dModel()).setMlpDim(c.mlpDim()).optDropout(c.dropout()).build());
  }

  RmsNorm norm1() {
    return norm1;
  }

  MultiHeadAttention selfAttention() {
    return selfAttention;
  }

  RmsNorm norm2() {
    return norm2;
  }

  MultiHeadAttention crossAttention() {
    return crossAttention;
  }

  RmsNorm norm3() {
    return norm3;
  }

  FeedForward feedForward() {
    return feedForward;
  }

  /**
   * Full pass over all steps.
   *
   * @param x {@code (B, T, D)}
   * @param memory {@code (B, S, D)}
   * @param causalBias {@code (1, 1, T, T)}
   * @param keyBias {@code (B, 1, 1, S)}
   * @return {@code (B, T, D)}
   */
  public NDArray apply(ParameterStore ps, NDArray x, NDArray memory, NDArray causalBias,
      NDArray keyBias, boolean training) {
    NDArray h = norm1.norm(ps, x, training); // (B, T, D)
    NDArray q = selfAttention.queries(ps, h, training); // (B, H, T, Dh)
    NDArray[] kv = selfAttention.keysValues(ps, h, training); // 2 × (B, H, T, Dh)
    NDArray ctx = MultiHeadAttention.attend(q, kv[0], kv[1], causalBias); // (B, H, T, Dh)
    x = x.add(drop(selfAttention.project(ps, ctx, training), training)); // (B, T, D)
    h = norm2.norm(ps, x, training); // (B, T, D)
    q = crossAttention.queries(ps, h, training); // (B, H, T, Dh)
    kv = crossAttention.keysValues(ps, memory, training); // 2 × (B, H, S, Dh)
    ctx = MultiHeadAttention.attend(q, kv[0], kv[1], keyBias); // (B, H, T, Dh)
    x = x.add(drop(crossAttention.project(ps, ctx, training), training)); // (B, T, D)
    h = norm3.norm(ps, x, training); // (B, T, D)
    return x.add(drop(feedForward.apply(ps, h, training), training)); // (B, T, D)
  }

  /**
   * Full pass of P decoder rows per user against a shared memory: self-attention within each row
   * as in {@link #apply}; cross-attention with the user's keys and values computed once, all
   * P·T queries of a user attending together under {@code crossBias}.
   *
   * @param x {@code (B·P, T, D)}, rows user-major
   * @param memory {@code (B, S, D)}
   * @param causalBias {@code (1, 1, T, T)}
   * @param crossBias {@code (B, 1, P·T, S)}
   * @return {@code (B·P, T, D)}
   */
  public NDArray applyGrouped(ParameterStore ps, NDArray x, NDArray memory, NDArray causalBias,
      NDArray crossBias, boolean training) {
    Shape xs = x.getShape();
    long b = memory.getShape().get(0);
    long p = xs.get(0) / b;
    long t = xs.get(1);
    NDArray h = norm1.norm(ps, x, training); // (B·P, T, D)
    NDArray q = selfAttention.queries(ps, h, training); // (B·P, H, T, Dh)
    NDArray[] kv = selfAttention.keysValues(ps, h, training); // 2 × (B·P, H, T, Dh)
    NDArray ctx = MultiHeadAttention.attend(q, kv[0], kv[1], causalBias); // (B·P, H, T, Dh)
    x = x.add(drop(selfAttention.project(ps, ctx, training), training)); // (B·P, T, D)
    h = norm2.norm(ps, x, training); // (B·P, T, D)
    q = crossAttention.queries(ps, h, training); // (B·P, H, T, Dh)
    long heads = q.getShape().get(1);
    long dh = q.getShape().get(3);
    NDArray grouped = q.reshape(b, p, heads, t, dh) // (B, P, H, T, Dh)
        .transpose(0, 2, 1, 3, 4) // (B, H, P, T, Dh)
        .reshape(b, heads, p * t, dh); // (B, H, P·T, Dh)
    kv = crossAttention.keysValues(ps, memory, training); // 2 × (B, H, S, Dh)
    ctx = MultiHeadAttention.attend(grouped, kv[0], kv[1], crossBias); // (B, H, P·T, Dh)
    ctx = ctx.reshape(b, heads, p, t, dh) // (B, H, P, T, Dh)
        .transpose(0, 2, 1, 3, 4) // (B, P, H, T, Dh)
        .reshape(b * p, heads, t, dh); // (B·P, H, T, Dh)
    x = x.add(drop(crossAttention.project(ps, ctx, training), training)); // (B·P, T, D)
    h = norm3.norm(ps, x, training); // (B·P, T, D)
    return x.add(drop(feedForward.apply(ps, h, training), training)); // (B·P, T, D)
  }

  private NDArray drop(NDArray x, boolean training) {
    return training && dropout > 0f ? Dropout.dropout(x, dropout, true).head() : x; // (B, T, D)
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
      PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.get(0), inputs.get(1), inputs.get(2), inputs.get(3),
        training));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
    Shape x = shapes[0];
    Shape memory = shapes[1];
    norm1.initialize(manager, dataType, x);
    selfAttention.initialize(manager, dataType, x, x);
    norm2.initialize(manager, dataType, x);
    crossAttention.initialize(manager, dataType, x, memory);
    norm3.initialize(manager, dataType, x);
    feedForward.initialize(manager, dataType, x);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
