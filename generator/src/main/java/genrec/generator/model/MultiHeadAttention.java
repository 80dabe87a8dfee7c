package genrec.generator.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Multi-head scaled dot-product attention with separate query, key, value and output
 * projections (no biases, as in T5). Used as self-attention (source = the queries' own sequence)
 * and as cross-attention (source = encoder memory). The inner width A = H·Dh may differ from D.
 *
 * <p>Block inputs: {@code x (B, T, D)}, {@code source (B, S, D)}, optional additive {@code bias}
 * broadcastable to {@code (B, H, T, S)}; output {@code (B, T, D)}. Legend: B batch, T query
 * positions, S key positions, D model width, H heads, Dh head width, A = H·Dh, U users, N = U·W
 * decoding rows, W beams per user.
 */
public final class MultiHeadAttention extends AbstractBlock {
  /** Additive bias for a masked key: large and finite, so softmax gives exactly 0 in float. */
  public static final float MASKED = -1e9f;

  private static final byte VERSION = 1;
  private final int dModel;
  private final int heads;
  private final int headDim;
  private final Linear query;
  private final Linear key;
  private final Linear value;
  private final Linear output;

  private MultiHeadAttention(Builder b) {
    super(VERSION);
    this.dModel = b.dModel;
    this.heads = b.heads;
    this.headDim = b.headDim;
    int a = heads * headDim;
    this.query = addChildBlock("query", Linear.builder().setUnits(a).optBias(false).build());
    this.key = addChildBlock("key", Linear.builder().setUnits(a).optBias(false).build());
    this.value = addChildBlock("value", Linear.builder().setUnits(a).optBias(false).build());
    this.output = addChildBlock("output", Linear.builder().setUnits(dModel).optBias(false).build());
  }

  public int heads() {
    return heads;
  }

  public int headDim() {
    return headDim;
  }

  /** Query projection weight {@code (A, D)} as stored (for {@link FoldedDecoder}). */
  NDArray queryWeight() {
    return query.getParameters().get("weight").getArray();
  }

  /** {@code (A, D)}. */
  NDArray keyWeight() {
    return key.getParameters().get("weight").getArray();
  }

  /** {@code (A, D)}. */
  NDArray valueWeight() {
    return value.getParameters().get("weight").getArray();
  }

  /** Output projection weight {@code (D, A)}. */
  NDArray outputWeight() {
    return output.getParameters().get("weight").getArray();
  }

  /** Projects {@code x (B, T, D)} to queries {@code (B, H, T, Dh)}. */
  public NDArray queries(ParameterStore ps, NDArray x, boolean training) {
    return splitHeads(query.forward(ps, new NDList(x), training).head()); // (B, H, T, Dh)
  }

  /** Projects {@code source (B, S, D)} to {keys, values}, each {@code (B, H, S, Dh)}. */
  public NDArray[] keysValues(ParameterStore ps, NDArray source, boolean training) {
    NDArray k = splitHeads(key.forward(ps, new NDList(source), training).head()); // (B, H, S, Dh)
    NDArray v = splitHeads(value.forward(ps, new NDList(source), training).head()); // (B, H, S, Dh)
    return new NDArray[] {k, v};
  }

  /** Merges heads of {@code context (B, H, T, Dh)} and applies the output projection. */
  public NDArray project(ParameterStore ps, NDArray context, boolean training) {
    Shape s = context.getShape();
    NDArray merged = context.transpose(0, 2, 1, 3) // (B, T, H, Dh)
        .reshape(s.get(0), s.get(2), (long) heads * headDim); // (B, T, A)
    return output.forward(ps, new NDList(merged), training).head(); // (B, T, D)
  }

  /**
   * Softmax attention.
   *
   * @param q {@code (B, H, T, Dh)}
   * @param k {@code (B, H, S, Dh)}
   * @param v {@code (B, H, S, Dh)}
   * @param bias additive, broadcastable to {@code (B, H, T, S)}, or null
   * @return context {@code (B, H, T, Dh)}
   */
  public static NDArray attend(NDArray q, NDArray k, NDArray v, NDArray bias) {
    long dh = q.getShape().get(3);
    // The scale is a native tensor (full), not a Java number: DJL's op(Number) wraps the number
    // in a tensor over a Java buffer that is freed right after the call, while autograd keeps it
    // for the backward pass (garbage, often NaN, gradients after a GC).
    NDArray scale = q.getManager().full(new Shape(), (float) (1.0 / Math.sqrt(dh))); // ()
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)) // (B, H, T, S)
        .mul(scale); // (B, H, T, S)
    if (bias != null) {
      scores = scores.add(bias); // (B, H, T, S)
    }
    return scores.softmax(-1).matMul(v); // (B, H, T, Dh)
  }

  private NDArray splitHeads(NDArray x) {
    Shape s = x.getShape();
    return x.reshape(s.get(0), s.get(1), heads, headDim) // (B, T, H, Dh)
        .transpose(0, 2, 1, 3); // (B, H, T, Dh)
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.get(0); // (B, T, D)
    NDArray source = inputs.size() > 1 ? inputs.get(1) : x; // (B, S, D)
    NDArray bias = inputs.size() > 2 ? inputs.get(2) : null; // (B|1, 1, T|1, S)
    NDArray q = queries(ps, x, training); // (B, H, T, Dh)
    NDArray[] kv = keysValues(ps, source, training); // 2 × (B, H, S, Dh)
    NDArray ctx = attend(q, kv[0], kv[1], bias); // (B, H, T, Dh)
    return new NDList(project(ps, ctx, training)); // (B, T, D)
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
    Shape x = shapes[0];
    Shape source = shapes.length > 1 ? shapes[1] : x;
    query.initialize(manager, dataType, x);
    key.initialize(manager, dataType, source);
    value.initialize(manager, dataType, source);
    output.initialize(manager, dataType, new Shape(x.get(0), x.get(1), (long) heads * headDim));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Required: {@link #setDModel}, {@link #setHeads}; optional {@link #optHeadDim} (D/H). */
  public static final class Builder {
    private int dModel = -1;
    private int heads = -1;
    private int headDim = -1;

    private Builder() {}

    public Builder setDModel(int dModel) {
      this.dModel = dModel;
      return this;
    }

    public Builder setHeads(int heads) {
      this.heads = heads;
      return this;
    }

    public Builder optHeadDim(int headDim) {
      this.headDim = headDim;
      return this;
    }

    public MultiHeadAttention build() {
      if (dModel < 1) {
        throw new IllegalArgumentException("dModel=" + dModel + " must be >= 1");
      }
      if (heads < 1) {
        throw new IllegalArgumentException("heads=" + heads + " must be >= 1");
      }
      if (headDim == -1) {
        if (dModel % heads != 0) {
          throw new IllegalArgumentException(
              "dModel=" + dModel + " is not divisible by heads=" + heads);
        }
        headDim = dModel / heads;
      }
      if (headDim < 1) {
        throw new IllegalArgumentException("headDim=" + headDim + " must be >= 1");
      }
      return new MultiHeadAttention(this);
    }
  }
}
