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
import java.util.ArrayList;
import java.util.List;

/**
 * The encoder stack: learned absolute position embeddings (S of them) are added to the
 * (already embedded) history, then {@code encoderLayers} {@link EncoderLayer}s and a final
 * {@link RmsNorm}. Block inputs: {@code embedded (B, S, D)}, {@code keyBias (B, 1, 1, S)}; output
 * memory {@code (B, S, D)}. Legend as in {@link MultiHeadAttention}.
 */
public final class SidEncoder extends AbstractBlock {
  private static final byte VERSION = 1;
  private final float dropout;
  private final EmbeddingTable positions;
  private final List<EncoderLayer> layers = new ArrayList<>();
  private final RmsNorm finalNorm;
  private final int length;

  public SidEncoder(GeneratorConfig c) {
    super(VERSION);
    this.dropout = c.dropout();
    this.length = c.encoderLength();
    this.positions = addChildBlock("positions",
        new EmbeddingTable(c.encoderLength(), c.dModel()));
    for (int i = 0; i < c.encoderLayers(); i++) {
      layers.add(addChildBlock("layer" + i, new EncoderLayer(c)));
    }
    this.finalNorm = addChildBlock("finalNorm", new RmsNorm(c.dModel(), c.normEps()));
  }

  /**
   * {@code embedded (B, S, D)}, {@code keyBias (B, 1, 1, S)} → memory {@code (B, S, D)}. S may
   * be shorter than the window: the input is then its right end (histories are right-aligned),
   * at positions {@code window − S .. window − 1}.
   */
  public NDArray apply(ParameterStore ps, NDArray embedded, NDArray keyBias, boolean training) {
    int s = (int) embedded.getShape().get(1);
    if (s < 1 || s > length) {
      throw new IllegalArgumentException("S=" + s + " encoder positions, need 1.." + length);
    }
    NDArray ids = embedded.getManager().arange(length - s, length); // (S)
    NDArray x = embedded.add(positions.lookup(ps, ids, training)); // (B, S, D)
    if (training && dropout > 0f) {
      x = Dropout.dropout(x, dropout, true).head(); // (B, S, D)
    }
    for (EncoderLayer layer : layers) {
      x = layer.apply(ps, x, keyBias, training); // (B, S, D)
    }
    return finalNorm.norm(ps, x, training); // (B, S, D)
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
      PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.get(0), inputs.get(1), training));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
    Shape x = shapes[0];
    positions.initialize(manager, dataType, new Shape(x.get(1)));
    for (EncoderLayer layer : layers) {
      layer.initialize(manager, dataType, shapes);
    }
    finalNorm.initialize(manager, dataType, x);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
