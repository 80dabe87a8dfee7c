package genrec.quantizer.sid;

import genrec.quantizer.embed.EmbeddingMatrix;
import java.nio.file.Path;

/**
 * A trained, immutable residual quantizer: embeddings in, {@link #levels()} codes per row out.
 * Implemented by {@code genrec.quantizer.rqvae.RqVaeModel} and {@code
 * genrec.quantizer.rqkmeans.ResidualKMeansModel}; {@link SemanticIdTable#assign} uses it to give
 * new items codes without retraining.
 *
 * <p>Close it when done: an RQ-VAE holds native memory; for residual k-means closing does
 * nothing.
 *
 * <p>Shape legend: N rows (items), D input dimension, L levels.
 */
public interface Quantizer extends AutoCloseable {

  /** The artifact kind written to {@code quantizer.json}: {@code "rqvae"} or {@code "rqkmeans"}. */
  String kind();

  /** Number of code levels L (3 for TIGER-style semantic IDs). */
  int levels();

  /** Codes per level K; every code is in {@code [0, K)}. */
  int codebookSize();

  /** The input embedding dimension D. */
  int inputDim();

  /**
   * The codes of every row: {@code result[i]} has {@link #levels()} codes for {@code
   * embeddings.ids().get(i)}. Deterministic: the same row always gets the same codes.
   *
   * @throws IllegalArgumentException if {@code embeddings.dim() != inputDim()}
   */
  int[][] encode(EmbeddingMatrix embeddings); // (N, L)

  /**
   * The approximation of the input embedding that each code tuple stands for, row-major {@code
   * (N, D)}.
   */
  float[] reconstruct(int[][] codes); // (N, D)

  /** Saves the quantizer atomically into folder {@code dir} (see {@link QuantizerFiles}). */
  void save(Path dir);

  /** Releases native memory, if any; the quantizer is unusable afterwards. */
  @Override
  default void close() {}

  /** The seed the quantizer was trained with. */
  long seed();

  /** The fingerprint of the training data ({@link #fingerprint(EmbeddingMatrix)}). */
  String dataFingerprint();

  /** A SHA-256 fingerprint of ids, dimension and values of an embedding matrix. */
  static String fingerprint(EmbeddingMatrix m) {
    genrec.core.io.Fingerprint fp = new genrec.core.io.Fingerprint();
    fp.add(m.rows()).add(m.dim());
    for (String id : m.ids()) {
      fp.add(id);
    }
    return fp.add(m.data()).hex();
  }

  /**
   * Refuses NaN or infinite values, naming the first bad row, id and column.
   *
   * @throws IllegalArgumentException on the first non-finite value
   */
  static void requireFinite(EmbeddingMatrix m) {
    float[] x = m.data();
    for (int i = 0; i < x.length; i++) {
      if (!Float.isFinite(x[i])) {
        int row = i / m.dim();
        throw new IllegalArgumentException(
            "embedding row " + row + " (item '" + m.ids().get(row) + "') has " + x[i]
                + " at column " + (i % m.dim()));
      }
    }
  }

  /**
   * Mean squared error per element between {@code embeddings} and the reconstruction of its codes;
   * comparable across quantizer kinds.
   */
  default double reconstructionMse(EmbeddingMatrix embeddings) {
    int[][] codes = encode(embeddings); // (N, L)
    float[] rec = reconstruct(codes); // (N, D)
    float[] x = embeddings.data(); // (N, D)
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      double d = x[i] - rec[i];
      s += d * d;
    }
    return x.length == 0 ? 0 : s / x.length;
  }
}
