package genrec.quantizer.rqkmeans;

import genrec.core.io.DataFormatException;
import genrec.core.tensor.Tensor;
import genrec.quantizer.embed.EmbeddingMatrix;
import genrec.quantizer.sid.Quantizer;
import genrec.quantizer.sid.QuantizerFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A trained residual k-means quantizer: L codebooks of K centroids. Level l assigns the residual
 * left by levels {@code 0..l-1} to its nearest centroid. Immutable; {@link #save}/{@link #load}
 * round-trip exactly.
 *
 * <p>Shape legend: N rows, D input dimension, L levels, K codes per level.
 */
public final class ResidualKMeansModel implements Quantizer {
  /** Artifact kind. */
  public static final String KIND = "rqkmeans";

  private final ResidualKMeansConfig config;
  private final int dim;
  private final float[][] centroids; // L x (K, D)
  private final long seed;
  private final String dataFingerprint;

  ResidualKMeansModel(
      ResidualKMeansConfig config, int dim, float[][] centroids, long seed, String fingerprint) {
    if (centroids.length != config.levels()) {
      throw new IllegalArgumentException(
          "centroids for " + centroids.length + " levels, config has " + config.levels());
    }
    for (float[] c : centroids) {
      if (c.length != config.codebookSize() * dim) {
        throw new IllegalArgumentException(
            "a codebook has " + c.length + " floats, expected K=" + config.codebookSize()
                + " x D=" + dim);
      }
    }
    this.config = config;
    this.dim = dim;
    this.centroids = new float[centroids.length][];
    for (int l = 0; l < centroids.length; l++) {
      this.centroids[l] = centroids[l].clone();
    }
    this.seed = seed;
    this.dataFingerprint = fingerprint;
  }

  public ResidualKMeansConfig config() {
    return config;
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public int levels() {
    return config.levels();
  }

  @Override
  public int codebookSize() {
    return config.codebookSize();
  }

  @Override
  public int inputDim() {
    return dim;
  }

  @Override
  public long seed() {
    return seed;
  }

  @Override
  public String dataFingerprint() {
    return dataFingerprint;
  }

  /** A copy of level {@code l}'s centroids, {@code (K, D)} row-major. */
  public float[] centroids(int level) {
    return centroids[level].clone();
  }

  /** Nearest-centroid codes on the residuals, level by level. */
  @Override
  public int[][] encode(EmbeddingMatrix embeddings) {
    if (embeddings.dim() != dim) {
      throw new IllegalArgumentException(
          "embeddings have dim=" + embeddings.dim() + ", this quantizer expects " + dim);
    }
    int n = embeddings.rows();
    int k = config.codebookSize();
    float[] r = embeddings.data().clone(); // (N, D) residual
    int[][] codes = new int[n][config.levels()]; // (N, L)
    int[] a = new int[n]; // (N)
    for (int l = 0; l < config.levels(); l++) {
      KMeans.assignNearest(r, n, dim, centroids[l], k, a, null, config.threads());
      subtract(r, n, dim, centroids[l], a);
      for (int i = 0; i < n; i++) {
        codes[i][l] = a[i];
      }
    }
    return codes;
  }

  @Override
  public float[] reconstruct(int[][] codes) {
    float[] out = new float[codes.length * dim]; // (N, D)
    for (int i = 0; i < codes.length; i++) {
      if (codes[i].length != config.levels()) {
        throw new IllegalArgumentException(
            "row " + i + " has " + codes[i].length + " codes, expected " + config.levels());
      }
      for (int l = 0; l < config.levels(); l++) {
        int c = codes[i][l];
        if (c < 0 || c >= config.codebookSize()) {
          throw new IllegalArgumentException(
              "row " + i + " level " + l + " code " + c + " is outside [0, "
                  + config.codebookSize() + ")");
        }
        int co = c * dim;
        int oo = i * dim;
        for (int j = 0; j < dim; j++) {
          out[oo + j] += centroids[l][co + j];
        }
      }
    }
    return out;
  }

  /** {@code r[i] -= c[a[i]]} for every row. */
  static void subtract(float[] r, int n, int d, float[] c, int[] a) {
    for (int i = 0; i < n; i++) {
      int ro = i * d;
      int co = a[i] * d;
      for (int j = 0; j < d; j++) {
        r[ro + j] -= c[co + j];
      }
    }
  }

  @Override
  public void save(Path dir) {
    Map<String, Tensor> t = new LinkedHashMap<>();
    for (int l = 0; l < centroids.length; l++) {
      t.put(
          "centroids" + l,
          new Tensor(new long[] {config.codebookSize(), dim}, centroids[l]));
    }
    QuantizerFiles.write(dir, KIND, seed, dataFingerprint, config, t);
  }

  /** Loads a folder written by {@link #save}; the result encodes exactly like the saved model. */
  public static ResidualKMeansModel load(Path dir) {
    QuantizerFiles.Artifact a = QuantizerFiles.read(dir, KIND);
    ResidualKMeansConfig cfg;
    try {
      cfg = QuantizerFiles.JSON.treeToValue(a.config(), ResidualKMeansConfig.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new DataFormatException(
          dir.resolve(QuantizerFiles.META_FILE), 0, "config", "bad config: " + e.getMessage());
    }
    float[][] c = new float[cfg.levels()][];
    int dim = -1;
    for (int l = 0; l < cfg.levels(); l++) {
      Tensor t = a.tensor("centroids" + l, dir);
      if (t.shape().length != 2 || t.shape()[0] != cfg.codebookSize()) {
        throw new DataFormatException(
            dir.resolve(QuantizerFiles.WEIGHTS_FILE), 0, "centroids" + l, "bad shape");
      }
      dim = (int) t.shape()[1];
      c[l] = t.data();
    }
    return new ResidualKMeansModel(cfg, dim, c, a.seed(), a.dataFingerprint());
  }
}
