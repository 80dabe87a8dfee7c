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
 * One pre-norm encoder layer: {@code x += drop(selfAttention(norm1(x)))}, then {@code x +=
 * drop(feedForward(norm2(x)))}. Block inputs: {@code x (B, S, D)}, {@code keyBias (B, 1, 1, S)};
 * output {@code (B, S, D)}. Legend as in {@link MultiHeadAttention}.
 */
public final class EncoderLayer extends AbstractBlock {
  private static final byte VERSION = 1;
  private final float dropout;
  private final RmsNorm norm1;
  private final MultiHeadAttention selfAttention;
  private final RmsNorm norm2;
  private final FeedForward feedForward;

  public EncoderLayer(GeneratorConfig c) {
    super(VERSION);
    this.dropout = c.dropout();
    this.norm1 = addChildBlock("norm1", new RmsNorm(c.dModel(), c.normEps()));
    this.selfAttention = addChildBlock("selfAttention", MultiHeadAttention.builder()
        .setDModel(c.dModel()).setHeads(c.heads()).optHeadDim(c.headDim()).build());
    this.norm2 = addChildBlock("norm2", new RmsNorm(c.dModel(), c.normEps()));
    this.feedForward = addChildBlock("feedForward", FeedForward.builder()
        .setDModel(c.dModel()).setMlpDim(c.mlpDim()).optDropout(c.dropout()).build());
  }

  /** {@code x (B, S, D)}, {@code keyBias (B, 1, 1, S)} → {@code (B, S, D)}. */
  public NDArray apply(ParameterStore ps, NDArray x, NDArray keyBias, boolean training) {
    NDArray h = norm1.norm(ps, x, training); // (B, S, D)
    NDArray q = selfAttention.queries(ps, h, training); // (B, H, S, Dh)
    NDArray[] kv = selfAttention.keysValues(ps, h, training); // 2 × (B, H, S, Dh)
    NDArray ctx = MultiHeadAttention.attend(q, kv[0], kv[1], keyBias); // (B, H, S, Dh)
    x = x.add(drop(selfAttention.project(ps, ctx, training), training)); // (B, S, D)
    h = norm2.norm(ps, x, training); // (B, S, D)
    return x.add(drop(feedForward.apply(ps, h, training), training)); // (B, S, D)
  }

  private NDArray drop(NDArray x, boolean training) {
    return training && dropout > 0f ? Dropout.dropout(x, dropout, true).head() : x; // (B, S, D)
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
      PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null,
        training));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
    Shape x = shapes[0];
    norm1.initialize(manager, dataType, x);
    selfAttention.initialize(manager, dataType, x, x);
    norm2.initialize(manager, dataType, x);
    feedForward.initialize(manager, dataType, x);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
