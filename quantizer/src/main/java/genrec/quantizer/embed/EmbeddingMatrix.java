package genrec.quantizer.embed;

import java.util.List;
import java.util.Objects;

/**
 * An id-aligned matrix of item embeddings: row {@code i} (of {@link #dim()} floats, row-major in
 * {@link #data()}) belongs to {@code ids.get(i)}.
 *
 * @param ids item ids, one per row
 * @param dim the embedding dimension
 * @param data {@code ids.size() * dim} floats, row-major
 */
public record EmbeddingMatrix(List<String> ids, int dim, float[] data) {

  public EmbeddingMatrix {
    ids = List.copyOf(Objects.requireNonNull(ids, "ids"));
    Objects.requireNonNull(data, "data");
    if (dim < 1) {
      throw new IllegalArgumentException("dim=" + dim + " must be >= 1");
    }
    if ((long) ids.size() * dim != data.length) {
      throw new IllegalArgumentException(
          "data has " + data.length + " floats, expected rows=" + ids.size() + " x dim=" + dim);
    }
  }

  public int rows() {
    return ids.size();
  }

  /** A copy of row {@code i}. */
  public float[] row(int i) {
    float[] r = new float[dim];
    System.arraycopy(data, i * dim, r, 0, dim);
    return r;
  }
}
