package genrec.generator.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * T5's layer norm: {@code x / sqrt(mean(x²) + eps) * gamma}, no mean subtraction, no bias.
 * Input and output {@code (..., D)}.
 */
public final class RmsNorm extends AbstractBlock {
  private static final byte VERSION = 1;
  private final int dim;
  private final float eps;
  private final Parameter gamma;

  public RmsNorm(int dim, float eps) {
    super(VERSION);
    this.dim = dim;
    this.eps = eps;
    this.gamma = addParameter(Parameter.builder()
        .setName("gamma")
        .setType(Parameter.Type.GAMMA)
        .optShape(new Shape(dim))
        .build());
  }

  /** Normalises {@code x} {@code (..., D)} → {@code (..., D)}. */
  public NDArray norm(ParameterStore ps, NDArray x, boolean training) {
    NDArray g = ps.getValue(gamma, x.getDevice(), training); // (D)
    NDArray ms = x.square().mean(new int[] {-1}, true); // (..., 1)
    return x.div(ms.add(eps).sqrt()).mul(g); // (..., D)
  }

  /** The gain vector {@code (D)} as stored (for {@link FoldedDecoder}). */
  NDArray gammaArray() {
    return gamma.getArray();
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
      PairList<String, Object> params) {
    return new NDList(norm(ps, inputs.singletonOrThrow(), training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  public String toString() {
    return "RmsNorm(" + dim + ")";
  }
}
