package genrec.generator.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * T5's position-wise MLP: {@code out(dropout(relu(in(x))))}, no biases. Input and output {@code
 * (B, T, D)}; inner width F. Legend as in {@link MultiHeadAttention}, plus F feed-forward width.
 */
public final class FeedForward extends AbstractBlock {
  private static final byte VERSION = 1;
  private final int dModel;
  private final int mlpDim;
  private final float dropout;
  private final Linear in;
  private final Linear out;

  private FeedForward(Builder b) {
    super(VERSION);
    this.dModel = b.dModel;
    this.mlpDim = b.mlpDim;
    this.dropout = b.dropout;
    this.in = addChildBlock("in", Linear.builder().setUnits(mlpDim).optBias(false).build());
    this.out = addChildBlock("out", Linear.builder().setUnits(dModel).optBias(false).build());
  }

  /** Input projection weight {@code (F, D)} as stored (for {@link FoldedDecoder}). */
  NDArray inWeight() {
    return in.getParameters().get("weight").getArray();
  }

  /** Output projection weight {@code (D, F)}. */
  NDArray outWeight() {
    return out.getParameters().get("weight").getArray();
  }

  /** Applies the MLP to {@code x (B, T, D)} → {@code (B, T, D)}. */
  public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    NDArray h = Activation.relu(in.forward(ps, new NDList(x), training).head()); // (B, T, F)
    if (training && dropout > 0f) {
      h = Dropout.dropout(h, dropout, true).head(); // (B, T, F)
    }
    return out.forward(ps, new NDList(h), training).head(); // (B, T, D)
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
      PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.singletonOrThrow(), training));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
    Shape x = shapes[0];
    in.initialize(manager, dataType, x);
    out.initialize(manager, dataType, x.slice(0, x.dimension() - 1).add(mlpDim));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Required: {@link #setDModel}, {@link #setMlpDim}; optional {@link #optDropout} (0). */
  public static final class Builder {
    private int dModel = -1;
    private int mlpDim = -1;
    private float dropout;

    private Builder() {}

    public Builder setDModel(int dModel) {
      this.dModel = dModel;
      return this;
    }

    public Builder setMlpDim(int mlpDim) {
      this.mlpDim = mlpDim;
      return this;
    }

    public Builder optDropout(float dropout) {
      this.dropout = dropout;
      return this;
    }

    public FeedForward build() {
      if (dModel < 1) {
        throw new IllegalArgumentException("dModel=" + dModel + " must be >= 1");
      }
      if (mlpDim < 1) {
        throw new IllegalArgumentException("mlpDim=" + mlpDim + " must be >= 1");
      }
      if (!(dropout >= 0f && dropout < 1f)) {
        throw new IllegalArgumentException("dropout=" + dropout + " must be in [0, 1)");
      }
      return new FeedForward(this);
    }
  }
}
