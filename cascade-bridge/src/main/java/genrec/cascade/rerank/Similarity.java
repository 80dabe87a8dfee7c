package genrec.cascade.rerank;

/**
 * Item similarity over one candidate list: symmetric, 1 on the diagonal, values in [-1, 1]. The
 * re-rankers read it one row at a time (MMR and DPP need only the rows of the items they place:
 * K rows, not N x N). For DPP the matrix must also be positive semi-definite; every source here
 * is (a Gram matrix of unit vectors; a sum of non-negative multiples of block-of-ones matrices;
 * the Jaccard kernel).
 *
 * <p>A bound similarity keeps scratch space: use it from one thread at a time (one request).
 */
public interface Similarity {
  /** The number of candidates. */
  int size();

  /** Fills {@code out[i]} with the similarity of candidates {@code j} and {@code i}, for all i. */
  void row(int j, double[] out);
}
