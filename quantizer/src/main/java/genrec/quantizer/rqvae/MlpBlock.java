package genrec.quantizer.rqvae;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;

/**
 * A stack of {@link Linear} layers with an activation between them (none after the last), the
 * body shared by {@link RqVaeEncoder} and {@link RqVaeDecoder}. Children are named {@code
 * linear0, act0, linear1, ...}.
 *
 * <p>Shape legend: B batch, I input width, O output width.
 */
abstract class MlpBlock extends AbstractBlock {
  private final int outDim;

  MlpBlock(List<Integer> widths, RqVaeConfig.Activation activation) {
    if (widths.isEmpty()) {
      throw new IllegalArgumentException("an MLP needs at least one layer");
    }
    for (int i = 0; i < widths.size(); i++) {
      addChildBlock("linear" + i, Linear.builder().setUnits(widths.get(i)).build());
      if (i + 1 < widths.size()) {
        addChildBlock("act" + i, activationBlock(activation));
      }
    }
    this.outDim = widths.get(widths.size() - 1);
  }

  static Block activationBlock(RqVaeConfig.Activation a) {
    return switch (a) {
      case RELU -> Activation.reluBlock();
      case GELU -> Activation.geluBlock();
      case SILU -> Activation.swishBlock(1f);
    };
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDList cur = inputs; // (B, I)
    for (Block b : getChildren().values()) {
      cur = b.forward(ps, cur, training, params); // (B, width)
    }
    return cur; // (B, O)
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), outDim)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
    Shape s = shapes[0]; // (B, I)
    for (Block b : getChildren().values()) {
      b.initialize(manager, dataType, s);
      s = b instanceof Linear ? b.getOutputShapes(new Shape[] {s})[0] : s;
    }
  }
}
