package genrec.quantizer.rqvae;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * Residual vector quantization with L learnable codebooks of K codes each (parameters {@code
 * codebook0 .. codebook{L-1}}). Level l picks the code nearest to the residual {@code r_l} (with
 * {@code r_0 = z}, {@code r_{l+1} = r_l - sg[e_l]}); the output is passed straight through: {@code
 * z + sg[sum_l e_l - z]}.
 *
 * <p>Losses, each a mean over the batch of a squared L2 norm, summed over levels:
 *
 * <ul>
 *   <li>codebook loss {@code ||sg[r_l] - e_l||^2} (moves codes; unused with EMA updates);
 *   <li>commitment loss {@code ||r_l - sg[e_l]||^2} (to be weighted by β; moves the encoder).
 * </ul>
 *
 * <p>Forward output: {@code [quantized (B, Z), codes (B, L) int64, codebookLoss (), commitLoss (),
 * residuals (L, B, Z) detached]}.
 *
 * <p>Shape legend: B batch, Z latent dimension, L levels, K codes per level.
 */
public final class ResidualQuantizer extends AbstractBlock {
  private final int levels;
  private final int codebookSize;
  private final int dim;
  private final List<Parameter> codebooks = new ArrayList<>();

  /** A quantizer of {@code levels} codebooks, each {@code (codebookSize, dim)}. */
  public ResidualQuantizer(int levels, int codebookSize, int dim) {
    if (levels < 1 || codebookSize < 1 || dim < 1) {
      throw new IllegalArgumentException(
          "levels=" + levels + ", codebookSize=" + codebookSize + ", dim=" + dim
              + " must all be >= 1");
    }
    this.levels = levels;
    this.codebookSize = codebookSize;
    this.dim = dim;
    for (int l = 0; l < levels; l++) {
      codebooks.add(
          addParameter(
              Parameter.builder()
                  .setName("codebook" + l)
                  .setType(Parameter.Type.WEIGHT)
                  .optShape(new Shape(codebookSize, dim))
                  .optInitializer(new NormalInitializer(0.01f))
                  .build()));
    }
  }

  public int levels() {
    return levels;
  }

  public int codebookSize() {
    return codebookSize;
  }

  public int dim() {
    return dim;
  }

  /** The codebook parameter of level {@code l}, {@code (K, Z)}. */
  public Parameter codebook(int level) {
    return codebooks.get(level);
  }

  /** A copy of level {@code l}'s codes, row-major {@code (K, Z)}. */
  public float[] codebookValues(int level) {
    return codebooks.get(level).getArray().toFloatArray();
  }

  /** Overwrites level {@code l}'s codes with {@code values}, row-major {@code (K, Z)}. */
  public void setCodebook(int level, float[] values) {
    if (values.length != codebookSize * dim) {
      throw new IllegalArgumentException(
          "codebook needs K=" + codebookSize + " x Z=" + dim + " floats, got " + values.length);
    }
    codebooks.get(level).getArray().set(values);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray z = inputs.singletonOrThrow(); // (B, Z)
    Device device = z.getDevice();
    NDArray residual = z; // (B, Z)
    NDArray quantSum = null; // (B, Z)
    NDArray codebookLoss = null; // ()
    NDArray commitLoss = null; // ()
    NDList codes = new NDList(levels);
    NDList residuals = new NDList(levels);
    for (int l = 0; l < levels; l++) {
      NDArray e = ps.getValue(codebooks.get(l), device, training); // (K, Z)
      NDArray rDet = residual.stopGradient(); // (B, Z)
      NDArray eDet = e.stopGradient(); // (K, Z)
      NDArray dist =
          rDet.square().sum(new int[] {1}, true) // (B, 1)
              .sub(rDet.matMul(eDet.transpose()).mul(2f)) // (B, K)
              .add(eDet.square().sum(new int[] {1}).reshape(1, codebookSize)); // (B, K)
      NDArray idx = dist.argMin(1); // (B) int64
      NDArray q = idx.oneHot(codebookSize, DataType.FLOAT32).matMul(e); // (B, Z)
      NDArray qDet = q.stopGradient(); // (B, Z)
      NDArray cb = rDet.sub(q).square().sum(new int[] {1}).mean(); // ()
      NDArray cm = residual.sub(qDet).square().sum(new int[] {1}).mean(); // ()
      codebookLoss = codebookLoss == null ? cb : codebookLoss.add(cb); // ()
      commitLoss = commitLoss == null ? cm : commitLoss.add(cm); // ()
      quantSum = quantSum == null ? qDet : quantSum.add(qDet); // (B, Z)
      residual = residual.sub(qDet); // (B, Z)
      codes.add(idx); // (B)
      residuals.add(rDet); // (B, Z)
    }
    NDArray quantized = z.add(quantSum.sub(z).stopGradient()); // (B, Z) straight-through
    return new NDList(
        quantized, // (B, Z)
        NDArrays.stack(codes, 1), // (B, L)
        codebookLoss, // ()
        commitLoss, // ()
        NDArrays.stack(residuals, 0)); // (L, B, Z)
  }

  /** The sum of the selected codes for {@code codes (B, L)} int64: {@code (B, Z)}. */
  public NDArray lookup(ParameterStore ps, NDArray codes) {
    NDArray sum = null; // (B, Z)
    for (int l = 0; l < levels; l++) {
      NDArray e = ps.getValue(codebooks.get(l), codes.getDevice(), false); // (K, Z)
      NDArray idx = codes.get(":, " + l); // (B)
      NDArray q = idx.oneHot(codebookSize, DataType.FLOAT32).matMul(e); // (B, Z)
      sum = sum == null ? q : sum.add(q); // (B, Z)
    }
    return sum;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long b = inputShapes[0].get(0);
    return new Shape[] {
      new Shape(b, dim), new Shape(b, levels), new Shape(), new Shape(), new Shape(levels, b, dim)
    };
  }
}
