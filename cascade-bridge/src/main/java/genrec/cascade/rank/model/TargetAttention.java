package genrec.cascade.rank.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * DIN's target attention (Zhou et al., KDD 2018): for each history position l an activation unit
 * (an {@link Mlp}: {@code 4D → H → 1}, ReLU hidden layer) reads {@code [q, k_l, q − k_l, q ⊙ k_l]}
 * and gives a weight {@code w_l}; the output is {@code Σ_l mask_l · w_l · k_l}. As in DIN the
 * weights are not normalised (no softmax), so the output's size keeps how much of the history
 * is relevant; padded positions ({@code mask_l = 0}) get weight 0.
 *
 * <p>Inputs: query {@code q (B, D)}, keys {@code k (B, L, D)}, mask {@code (B, L)} float32 of 0/1.
 * Output {@code (B, D)}. Legend: B rows, L history positions, D item vector width, H hidden width.
 */
public final class TargetAttention extends AbstractBlock {
  private static final byte VERSION = 1;
  private final int dim;
  private final Mlp unit;

  private TargetAttention(Builder b) {
    super(VERSION);
    this.dim = b.dim;
    this.unit = addChildBlock("unit", Mlp.builder().setUnits(b.hidden, 1)
        .optDropout(b.dropout).build());
  }

  public int dim() {
    return dim;
  }

  /** The masked attention weights {@code (B, L)}: {@code mask_l · w_l}. */
  public NDArray weights(ParameterStore ps, NDArray q, NDArray k, NDArray mask, boolean training) {
    long l = k.getShape().get(1);
    NDArray qq = q.expandDims(1).repeat(1, l); // (B, L, D)
    NDArray features = NDArrays.concat(
        new NDList(qq, k, qq.sub(k), qq.mul(k)), -1); // (B, L, 4D)
    NDArray w = unit.apply(ps, features, training).squeeze(-1); // (B, L)
    return w.mul(mask); // (B, L)
  }

  /** {@code q (B, D)}, {@code k (B, L, D)}, {@code mask (B, L)} → {@code (B, D)}. */
  public NDArray apply(ParameterStore ps, NDArray q, NDArray k, NDArray mask, boolean training) {
    NDArray w = weights(ps, q, k, mask, training); // (B, L)
    return w.expandDims(-1).mul(k).sum(new int[] {1}); // (B, D)
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
      PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.get(0), inputs.get(1), inputs.get(2), training));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
    Shape k = shapes[1];
    unit.initialize(manager, dataType, new Shape(k.get(0), k.get(1), 4L * dim));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Required: {@link #setDim} (D, the width of q and of each key), {@link #setHidden} (H).
   * Optional: {@link #optDropout} (0).
   */
  public static final class Builder {
    private int dim = -1;
    private int hidden = -1;
    private float dropout;

    private Builder() {}

    public Builder setDim(int dim) {
      this.dim = dim;
      return this;
    }

    public Builder setHidden(int hidden) {
      this.hidden = hidden;
      return this;
    }

    public Builder optDropout(float dropout) {
      this.dropout = dropout;
      return this;
    }

    public TargetAttention build() {
      if (dim < 1) {
        throw new IllegalArgumentException(
            "dim=" + dim + (dim == -1 ? " is required" : " must be >= 1"));
      }
      if (hidden < 1) {
        throw new IllegalArgumentException(
            "hidden=" + hidden + (hidden == -1 ? " is required" : " must be >= 1"));
      }
      if (!(dropout >= 0f && dropout < 1f)) {
        throw new IllegalArgumentException("dropout=" + dropout + " must be in [0, 1)");
      }
      return new TargetAttention(this);
    }
  }
}
