package genrec.quantizer.rqkmeans;

/**
 * Settings of residual k-means (the OneRec tokenizer). Immutable; build with {@link #builder()}
 * or start from a preset.
 *
 * @param levels number of code levels L (default 3)
 * @param codebookSize codes per level K (default 256)
 * @param iterations Lloyd iterations per level (default 25)
 * @param balanced capacity-constrained assignment during training so that clusters have
 *     near-equal sizes (default false); new items are always assigned to the nearest centroid
 * @param threads worker threads for the row-parallel parts (default 2)
 */
public record ResidualKMeansConfig(
    int levels, int codebookSize, int iterations, boolean balanced, int threads) {

  public ResidualKMeansConfig {
    StringBuilder bad = new StringBuilder();
    if (levels < 1) {
      bad.append("levels=").append(levels).append(" must be >= 1; ");
    }
    if (codebookSize < 1) {
      bad.append("codebookSize=").append(codebookSize).append(" must be >= 1; ");
    }
    if (iterations < 0) {
      bad.append("iterations=").append(iterations).append(" must be >= 0; ");
    }
    if (threads < 1) {
      bad.append("threads=").append(threads).append(" must be >= 1; ");
    }
    if (bad.length() > 0) {
      throw new IllegalArgumentException(bad.substring(0, bad.length() - 2));
    }
  }

  /** Tests: 3 levels x 8 codes, 10 iterations. */
  public static ResidualKMeansConfig tiny() {
    return builder().setCodebookSize(8).optIterations(10).build();
  }

  /** Demo catalogues of a few thousand items: 3 x 64, 25 iterations. */
  public static ResidualKMeansConfig demo() {
    return builder().setCodebookSize(64).build();
  }

  /** Amazon Beauty (12k items): 3 x 256, 25 iterations. */
  public static ResidualKMeansConfig beauty() {
    return builder().setCodebookSize(256).build();
  }

  /** A preset by name: {@code tiny}, {@code demo} or {@code beauty}. */
  public static ResidualKMeansConfig preset(String name) {
    return switch (name) {
      case "tiny" -> tiny();
      case "demo" -> demo();
      case "beauty" -> beauty();
      default -> throw new IllegalArgumentException(
          "unknown preset '" + name + "' (expected tiny, demo or beauty)");
    };
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this config. */
  public Builder toBuilder() {
    return new Builder()
        .setLevels(levels)
        .setCodebookSize(codebookSize)
        .optIterations(iterations)
        .optBalanced(balanced)
        .optThreads(threads);
  }

  /** Builder: {@code set*} for the shape of the codes, {@code opt*} for the rest. */
  public static final class Builder {
    private int levels = 3;
    private int codebookSize = 256;
    private int iterations = 25;
    private boolean balanced;
    private int threads = 2;

    private Builder() {}

    public Builder setLevels(int levels) {
      this.levels = levels;
      return this;
    }

    public Builder setCodebookSize(int codebookSize) {
      this.codebookSize = codebookSize;
      return this;
    }

    public Builder optIterations(int iterations) {
      this.iterations = iterations;
      return this;
    }

    public Builder optBalanced(boolean balanced) {
      this.balanced = balanced;
      return this;
    }

    public Builder optThreads(int threads) {
      this.threads = threads;
      return this;
    }

    /** Validates and builds; the message names every bad value. */
    public ResidualKMeansConfig build() {
      return new ResidualKMeansConfig(levels, codebookSize, iterations, balanced, threads);
    }
  }
}
