package genrec.generator.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A learned lookup table of {@code rows × dim} (token or position embeddings). Input: integer ids
 * of any shape {@code (...)}; output {@code (..., D)}. The result lives in the ids' manager, never
 * in the table's.
 */
public final class EmbeddingTable extends AbstractBlock {
  private static final byte VERSION = 1;
  private final int rows;
  private final int dim;
  private final Parameter weight;

  public EmbeddingTable(int rows, int dim) {
    super(VERSION);
    if (rows < 1 || dim < 1) {
      throw new IllegalArgumentException("rows=" + rows + " and dim=" + dim + " must be >= 1");
    }
    this.rows = rows;
    this.dim = dim;
    this.weight = addParameter(Parameter.builder()
        .setName("weight")
        .setType(Parameter.Type.WEIGHT)
        .optShape(new Shape(rows, dim))
        .build());
  }

  public int rows() {
    return rows;
  }

  public int dim() {
    return dim;
  }

  /** The table {@code (rows, D)} as stored (for {@link FoldedDecoder}). */
  NDArray weightArray() {
    return weight.getArray();
  }

  /** Looks up {@code ids} {@code (...)} → {@code (..., D)}. */
  public NDArray lookup(ParameterStore ps, NDArray ids, boolean training) {
    NDArray w = ps.getValue(weight, ids.getDevice(), training); // (rows, D)
    return Embedding.embedding(ids, w, SparseFormat.DENSE).singletonOrThrow(); // (..., D)
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
      PairList<String, Object> params) {
    return new NDList(lookup(ps, inputs.singletonOrThrow(), training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0].add(dim)};
  }
}
