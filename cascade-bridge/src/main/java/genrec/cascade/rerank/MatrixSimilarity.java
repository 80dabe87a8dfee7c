package genrec.cascade.rerank;

/** A similarity given as a full N x N matrix (row-major): for tests and benchmarks. */
public final class MatrixSimilarity implements Similarity {
  private final int n;
  private final double[] s;

  private MatrixSimilarity(int n, double[] s) {
    this.n = n;
    this.s = s;
  }

  /**
   * Wraps {@code rowMajor} (copied): {@code n * n} finite values, symmetric and 1 on the diagonal
   * within 1e-9.
   */
  public static MatrixSimilarity of(double[] rowMajor, int n) {
    if (n < 0 || rowMajor.length != (long) n * n) {
      throw new IllegalArgumentException("matrix has " + rowMajor.length + " values, not n*n for n=" + n);
    }
    for (int i = 0; i < n; i++) {
      if (Math.abs(rowMajor[i * n + i] - 1) > 1e-9) {
        throw new IllegalArgumentException("similarity(" + i + "," + i + ")=" + rowMajor[i * n + i] + " must be 1");
      }
      for (int j = 0; j < n; j++) {
        double v = rowMajor[i * n + j];
        if (!Double.isFinite(v) || Math.abs(v - rowMajor[j * n + i]) > 1e-9) {
          throw new IllegalArgumentException("similarity(" + i + "," + j + ")=" + v + " is not finite or not symmetric");
        }
      }
    }
    return new MatrixSimilarity(n, rowMajor.clone());
  }

  /** The full matrix of {@code sim} (N rows read): what a benchmark precomputes. */
  public static MatrixSimilarity copyOf(Similarity sim) {
    int n = sim.size();
    double[] m = new double[n * n];
    double[] row = new double[n];
    for (int j = 0; j < n; j++) {
      sim.row(j, row);
      System.arraycopy(row, 0, m, j * n, n);
    }
    return new MatrixSimilarity(n, m);
  }

  @Override
  public int size() {
    return n;
  }

  @Override
  public void row(int j, double[] out) {
    System.arraycopy(s, j * n, out, 0, n);
  }
}
