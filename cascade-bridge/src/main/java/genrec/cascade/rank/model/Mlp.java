package genrec.cascade.rank.model;

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
import java.util.ArrayList;
import java.util.List;

/**
 * A stack of linear layers with biases: {@code relu} and (in training) dropout after every layer
 * except that the last layer's activation is optional. Input {@code (..., Din)}, output {@code
 * (..., U_last)}; the layers act on the last axis. Experts, towers and the DIN activation unit are
 * Mlps. Children are named {@code layer0}, {@code layer1}, ...
 */
public final class Mlp extends AbstractBlock {
  private static final byte VERSION = 1;
  private final int[] units;
  private final boolean finalActivation;
  private final float dropout;
  private final List<Linear> layers = new ArrayList<>();

  private Mlp(Builder b) {
    super(VERSION);
    this.units = b.units.clone();
    this.finalActivation = b.finalActivation;
    this.dropout = b.dropout;
    for (int i = 0; i < units.length; i++) {
      layers.add(addChildBlock("layer" + i,
          Linear.builder().setUnits(units[i]).optBias(true).build()));
    }
  }

  /** Output width: the last layer's units. */
  public int outputDim() {
    return units[units.length - 1];
  }

  /** Applies the stack to {@code x (..., Din)} → {@code (..., U_last)}. */
  public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    NDArray h = x; // (..., Din)
    for (int i = 0; i < layers.size(); i++) {
      h = layers.get(i).forward(ps, new NDList(h), training).head(); // (..., U_i)
      if (i < layers.size() - 1 || finalActivation) {
        h = Activation.relu(h); // (..., U_i)
        if (training && dropout > 0f) {
          h = Dropout.dropout(h, dropout, true).head(); // (..., U_i)
        }
      }
    }
    return h; // (..., U_last)
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
      PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.singletonOrThrow(), training));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
    Shape s = shapes[0];
    for (int i = 0; i < layers.size(); i++) {
      layers.get(i).initialize(manager, dataType, s);
      s = s.slice(0, s.dimension() - 1).add(units[i]);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {s.slice(0, s.dimension() - 1).add(outputDim())};
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Required: {@link #setUnits} (one width per layer). Optional: {@link #optFinalActivation}
   * (false: the last layer is linear), {@link #optDropout} (0).
   */
  public static final class Builder {
    private int[] units;
    private boolean finalActivation;
    private float dropout;

    private Builder() {}

    public Builder setUnits(int... units) {
      this.units = units.clone();
      return this;
    }

    public Builder optFinalActivation(boolean finalActivation) {
      this.finalActivation = finalActivation;
      return this;
    }

    public Builder optDropout(float dropout) {
      this.dropout = dropout;
      return this;
    }

    public Mlp build() {
      if (units == null || units.length == 0) {
        throw new IllegalArgumentException("units must name at least one layer width");
      }
      for (int i = 0; i < units.length; i++) {
        if (units[i] < 1) {
          throw new IllegalArgumentException("units[" + i + "]=" + units[i] + " must be >= 1");
        }
      }
      if (!(dropout >= 0f && dropout < 1f)) {
        throw new IllegalArgumentException("dropout=" + dropout + " must be in [0, 1)");
      }
      return new Mlp(this);
    }
  }
}
