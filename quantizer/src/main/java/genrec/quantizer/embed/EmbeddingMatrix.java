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

  /** The rows {@code rows} (indices into this matrix), in that order, as a new matrix. */
  public EmbeddingMatrix select(int[] rows) {
    List<String> out = new java.util.ArrayList<>(rows.length);
    float[] d = new float[rows.length * dim];
    for (int j = 0; j < rows.length; j++) {
      out.add(ids.get(rows[j]));
      System.arraycopy(data, rows[j] * dim, d, j * dim, dim);
    }
    return new EmbeddingMatrix(out, dim, d);
  }

  /** This matrix's rows, then {@code other}'s (same dimension). */
  public EmbeddingMatrix concat(EmbeddingMatrix other) {
    if (other.dim != dim) {
      throw new IllegalArgumentException("dim=" + other.dim + " does not match dim=" + dim);
    }
    List<String> out = new java.util.ArrayList<>(ids);
    out.addAll(other.ids);
    float[] d = java.util.Arrays.copyOf(data, data.length + other.data.length);
    System.arraycopy(other.data, 0, d, data.length, other.data.length);
    return new EmbeddingMatrix(out, dim, d);
  }
}
