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
 * The decoder stack: learned step embeddings ({@code levels} of them) added to the embedded
 * decoder input, then {@code decoderLayers} {@link DecoderLayer}s and a final {@link RmsNorm}.
 * Run as a full causal pass ({@link #apply}); one step at a time is {@link FoldedDecoder}.
 *
 * <p>Block inputs: {@code embedded (B, T, D)}, {@code memory (B, S, D)}, {@code keyBias (B, 1, 1,
 * S)}; output hidden states {@code (B, T, D)}. Legend as in {@link MultiHeadAttention}.
 */
public final class SidDecoder extends AbstractBlock {
  private static final byte VERSION = 1;
  private final float dropout;
  private final int maxSteps;
  private final EmbeddingTable positions;
  private final List<DecoderLayer> layers = new ArrayList<>();
  private final RmsNorm finalNorm;

  public SidDecoder(GeneratorConfig c) {
    super(VERSION);
    this.dropout = c.dropout();
    this.maxSteps = c.levels();
    this.positions = addChildBlock("positions", new EmbeddingTable(c.levels(), c.dModel()));
    for (int i = 0; i < c.decoderLayers(); i++) {
      layers.add(addChildBlock("layer" + i, new DecoderLayer(c)));
    }
    this.finalNorm = addChildBlock("finalNorm", new RmsNorm(c.dModel(), c.normEps()));
  }

  public int numLayers() {
    return layers.size();
  }

  public DecoderLayer layer(int i) {
    return layers.get(i);
  }

  EmbeddingTable positions() {
    return positions;
  }

  RmsNorm finalNorm() {
    return finalNorm;
  }

  /**
   * Full causal pass.
   *
   * @param embedded {@code (B, T, D)}, T ≤ levels
   * @param memory {@code (B, S, D)}
   * @param keyBias {@code (B, 1, 1, S)}
   * @return hidden states {@code (B, T, D)}
   */
  public NDArray apply(ParameterStore ps, NDArray embedded, NDArray memory, NDArray keyBias,
      boolean training) {
    int t = (int) embedded.getShape().get(1);
    if (t > maxSteps) {
      throw new IllegalArgumentException("T=" + t + " decoder steps, at most " + maxSteps);
    }
    NDManager m = embedded.getManager();
    NDArray x = embedded.add(positions.lookup(ps, m.arange(t), training)); // (B, T, D)
    if (training && dropout > 0f) {
      x = Dropout.dropout(x, dropout, true).head(); // (B, T, D)
    }
    NDArray causal = causalBias(m, t); // (1, 1, T, T)
    for (DecoderLayer layer : layers) {
      x = layer.apply(ps, x, memory, causal, keyBias, training); // (B, T, D)
    }
    return finalNorm.norm(ps, x, training); // (B, T, D)
  }

  /**
   * Full causal pass of P decoder rows per user against a shared memory (sequence-parallel
   * training; see {@link SidTransformer#decodeGrouped}).
   *
   * @param embedded {@code (B·P, T, D)}, rows user-major
   * @param memory {@code (B, S, D)}
   * @param crossBias {@code (B, 1, P·T, S)}
   * @return hidden states {@code (B·P, T, D)}
   */
  public NDArray applyGrouped(ParameterStore ps, NDArray embedded, NDArray memory,
      NDArray crossBias, boolean training) {
    int t = (int) embedded.getShape().get(1);
    if (t > maxSteps) {
      throw new IllegalArgumentException("T=" + t + " decoder steps, at most " + maxSteps);
    }
    NDManager m = embedded.getManager();
    NDArray x = embedded.add(positions.lookup(ps, m.arange(t), training)); // (B·P, T, D)
    if (training && dropout > 0f) {
      x = Dropout.dropout(x, dropout, true).head(); // (B·P, T, D)
    }
    NDArray causal = causalBias(m, t); // (1, 1, T, T)
    for (DecoderLayer layer : layers) {
      x = layer.applyGrouped(ps, x, memory, causal, crossBias, training); // (B·P, T, D)
    }
    return finalNorm.norm(ps, x, training); // (B·P, T, D)
  }

  /** Additive causal mask {@code (1, 1, T, T)}: 0 on and below the diagonal, masked above. */
  public static NDArray causalBias(NDManager m, int t) {
    float[] b = new float[t * t];
    for (int i = 0; i < t; i++) {
      for (int j = i + 1; j < t; j++) {
        b[i * t + j] = MultiHeadAttention.MASKED;
      }
    }
    return m.create(b, new Shape(1, 1, t, t)); // (1, 1, T, T)
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
      PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.get(0), inputs.get(1), inputs.get(2), training));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
    Shape x = shapes[0];
    positions.initialize(manager, dataType, new Shape(x.get(1)));
    for (DecoderLayer layer : layers) {
      layer.initialize(manager, dataType, x, shapes[1]);
    }
    finalNorm.initialize(manager, dataType, x);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
