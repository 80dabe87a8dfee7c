package genrec.cascade.rank.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One DCN-v2 cross layer, full rank (Wang et al., WWW 2021): {@code x_{l+1} = x0 ⊙ (W x_l + b) +
 * x_l} with {@code W (D, D)} and {@code b (D)}. Inputs x0 and x_l {@code (B, D)}, output {@code (B,
 * D)}. Legend: B rows, D width of x0.
 */
public final class CrossLayer extends AbstractBlock {
  private static final byte VERSION = 1;
  private final int dim;
  private final Linear linear;

  private CrossLayer(Builder b) {
    super(VERSION);
    this.dim = b.dim;
    this.linear = addChildBlock("linear", Linear.builder().setUnits(dim).optBias(true).build());
  }

  public int dim() {
    return dim;
  }

  /** {@code x0 (B, D)}, {@code xl (B, D)} → {@code (B, D)}. */
  public NDArray apply(ParameterStore ps, NDArray x0, NDArray xl, boolean training) {
    NDArray wx = linear.forward(ps, new NDList(xl), training).head(); // (B, D)
    return x0.mul(wx).add(xl); // (B, D)
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
      PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.get(0), inputs.get(1), training));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
    linear.initialize(manager, dataType, shapes[0]);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Required: {@link #setDim} (the width D of x0). */
  public static final class Builder {
    private int dim = -1;

    private Builder() {}

    public Builder setDim(int dim) {
      this.dim = dim;
      return this;
    }

    public CrossLayer build() {
      if (dim < 1) {
        throw new IllegalArgumentException(
            "dim=" + dim + (dim == -1 ? " is required" : " must be >= 1"));
      }
      return new CrossLayer(this);
    }
  }
}
