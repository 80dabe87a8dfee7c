package genrec.quantizer.rqkmeans;

import genrec.core.io.Progress;
import genrec.quantizer.embed.EmbeddingMatrix;
import genrec.quantizer.sid.Quantizer;
import java.util.Objects;
import java.util.Random;

/**
 * The residual k-means trainer (OneRec's tokenizer): level 1 clusters the raw embeddings, level l
 * clusters what levels {@code 1..l-1} left over. k-means++ seeding, Lloyd iterations, seeded, plain
 * Java, rows split over {@link ResidualKMeansConfig#threads()} threads. In balanced mode the
 * training assignment is capacity-constrained so clusters have near-equal size.
 *
 * <pre>{@code
 * ResidualKMeans.Result r = ResidualKMeans.builder()
 *     .setConfig(ResidualKMeansConfig.beauty()).setSeed(42).build().fit(embeddings);
 * }</pre>
 *
 * <p>Shape legend: N rows, D input dimension, L levels, K codes per level.
 */
public final class ResidualKMeans {
  private final ResidualKMeansConfig config;
  private final long seed;
  private final boolean showProgress;

  private ResidualKMeans(Builder b) {
    this.config = b.config;
    this.seed = b.seed;
    this.showProgress = b.showProgress;
  }

  /**
   * The outcome of training.
   *
   * @param model the trained quantizer
   * @param codes the training rows' codes {@code (N, L)}; in balanced mode these are the balanced
   *     assignments (use them for the semantic-ID table), which may differ from {@code
   *     model.encode} for a few rows
   * @param seconds wall time
   */
  public record Result(ResidualKMeansModel model, int[][] codes, double seconds) {}

  /** Trains on {@code data}. */
  public Result fit(EmbeddingMatrix data) {
    Objects.requireNonNull(data, "data");
    Quantizer.requireFinite(data);
    long t0 = System.nanoTime();
    int n = data.rows();
    int d = data.dim();
    int k = config.codebookSize();
    if (n < 1) {
      throw new IllegalArgumentException("no rows to cluster");
    }
    Random rnd = new Random(seed);
    float[] r = data.data().clone(); // (N, D) residual
    float[][] cents = new float[config.levels()][];
    int[][] codes = new int[n][config.levels()]; // (N, L)
    int[] a = new int[n]; // (N)
    try (Progress p =
        showProgress
            ? Progress.start("rq-kmeans", config.levels(), "levels")
            : Progress.silent()) {
      for (int l = 0; l < config.levels(); l++) {
        cents[l] =
            KMeans.fit(r, n, d, k, config.iterations(), config.balanced(), rnd, config.threads(), a);
        ResidualKMeansModel.subtract(r, n, d, cents[l], a);
        for (int i = 0; i < n; i++) {
          codes[i][l] = a[i];
        }
        p.advance(1);
      }
    }
    ResidualKMeansModel model =
        new ResidualKMeansModel(config, d, cents, seed, Quantizer.fingerprint(data));
    return new Result(model, codes, (System.nanoTime() - t0) / 1e9);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder: config and seed are required. */
  public static final class Builder {
    private ResidualKMeansConfig config;
    private Long seed;
    private boolean showProgress;

    private Builder() {}

    public Builder setConfig(ResidualKMeansConfig config) {
      this.config = config;
      return this;
    }

    /** The seed; mandatory so every run is reproducible. */
    public Builder setSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Print a progress bar to stderr (default false). */
    public Builder optProgress(boolean show) {
      this.showProgress = show;
      return this;
    }

    public ResidualKMeans build() {
      if (config == null) {
        throw new IllegalStateException("config is required (setConfig)");
      }
      if (seed == null) {
        throw new IllegalStateException("seed is required (setSeed)");
      }
      return new ResidualKMeans(this);
    }
  }
}
