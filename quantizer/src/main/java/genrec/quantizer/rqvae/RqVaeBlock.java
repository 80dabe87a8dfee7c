package genrec.quantizer.rqvae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The whole RQ-VAE: children {@code encoder} ({@link RqVaeEncoder}), {@code quantizer} ({@link
 * ResidualQuantizer}) and {@code decoder} ({@link RqVaeDecoder}).
 *
 * <p>Forward output: {@code [reconstruction (B, D), codes (B, L) int64, codebookLoss (),
 * commitLoss (), residuals (L, B, Z), latent (B, Z)]}.
 *
 * <p>Shape legend: B batch, D input dimension, Z latent dimension, L levels.
 */
public final class RqVaeBlock extends AbstractBlock {
  private final RqVaeConfig config;
  private final RqVaeEncoder encoder;
  private final ResidualQuantizer quantizer;
  private final RqVaeDecoder decoder;

  public RqVaeBlock(RqVaeConfig config) {
    this.config = config;
    this.encoder = addChildBlock("encoder", new RqVaeEncoder(config));
    this.quantizer =
        addChildBlock(
            "quantizer",
            new ResidualQuantizer(config.levels(), config.codebookSize(), config.latentDim()));
    this.decoder = addChildBlock("decoder", new RqVaeDecoder(config));
  }

  public RqVaeConfig config() {
    return config;
  }

  public RqVaeEncoder encoder() {
    return encoder;
  }

  public ResidualQuantizer quantizer() {
    return quantizer;
  }

  public RqVaeDecoder decoder() {
    return decoder;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray z = encoder.forward(ps, inputs, training, params).singletonOrThrow(); // (B, Z)
    NDList q = quantizer.forward(ps, new NDList(z), training, params);
    NDArray xHat = decoder.forward(ps, new NDList(q.get(0)), training, params).head(); // (B, D)
    return new NDList(
        xHat, // (B, D)
        q.get(1), // (B, L)
        q.get(2), // ()
        q.get(3), // ()
        q.get(4), // (L, B, Z)
        z); // (B, Z)
  }

  /** The latent of {@code x (B, D)}: {@code (B, Z)}. */
  public NDArray encodeLatent(ParameterStore ps, NDArray x) {
    return encoder.forward(ps, new NDList(x), false).singletonOrThrow(); // (B, Z)
  }

  /** The reconstruction of {@code codes (B, L)} int64: {@code (B, D)}. */
  public NDArray decodeCodes(ParameterStore ps, NDArray codes) {
    NDArray q = quantizer.lookup(ps, codes); // (B, Z)
    return decoder.forward(ps, new NDList(q), false).singletonOrThrow(); // (B, D)
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long b = inputShapes[0].get(0);
    int z = config.latentDim();
    int l = config.levels();
    return new Shape[] {
      new Shape(b, config.inputDim()), new Shape(b, l), new Shape(), new Shape(),
      new Shape(l, b, z), new Shape(b, z)
    };
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
    long b = shapes[0].get(0);
    encoder.initialize(manager, dataType, new Shape(b, config.inputDim()));
    quantizer.initialize(manager, dataType, new Shape(b, config.latentDim()));
    decoder.initialize(manager, dataType, new Shape(b, config.latentDim()));
  }
}
