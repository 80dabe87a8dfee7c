package genrec.quantizer.sid;

import genrec.quantizer.embed.EmbeddingMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Synthetic embeddings for quantizer tests. */
public final class TestEmbeddings {
  private TestEmbeddings() {}

  /**
   * {@code n} rows of dimension {@code dim} around {@code clusters} random centres (unit
   * Gaussian centres, noise {@code sigma}); ids {@code prefix0, prefix1, ...}.
   */
  public static EmbeddingMatrix clusters(
      int n, int dim, int clusters, double sigma, long seed, String prefix) {
    Random rnd = new Random(seed);
    float[] centres = new float[clusters * dim];
    for (int i = 0; i < centres.length; i++) {
      centres[i] = (float) rnd.nextGaussian();
    }
    float[] data = new float[n * dim];
    List<String> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int c = rnd.nextInt(clusters);
      for (int j = 0; j < dim; j++) {
        data[i * dim + j] = centres[c * dim + j] + (float) (rnd.nextGaussian() * sigma);
      }
      ids.add(prefix + i);
    }
    return new EmbeddingMatrix(ids, dim, data);
  }

  public static EmbeddingMatrix clusters(int n, int dim, int clusters, long seed) {
    return clusters(n, dim, clusters, 0.3, seed, "i");
  }

  /** Rows {@code from..to-1} of {@code m}. */
  public static EmbeddingMatrix slice(EmbeddingMatrix m, int from, int to) {
    float[] d = java.util.Arrays.copyOfRange(m.data(), from * m.dim(), to * m.dim());
    return new EmbeddingMatrix(m.ids().subList(from, to), m.dim(), d);
  }
}
