package genrec.quantizer.rqvae;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import genrec.core.io.DataFormatException;
import genrec.core.tensor.Tensor;
import genrec.quantizer.embed.EmbeddingMatrix;
import genrec.quantizer.sid.Quantizer;
import genrec.quantizer.sid.QuantizerFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A trained RQ-VAE: encodes embeddings to {@link #levels()} codes per row and decodes codes back
 * to embeddings. Immutable: its weights are frozen copies owned by its own {@link NDManager};
 * every call works in a scoped sub-manager. Holds native memory, so {@link #close()} it.
 *
 * <p>Saved with its config, seed and data fingerprint beside the weights ({@link QuantizerFiles});
 * {@link #load} gives identical codes.
 *
 * <p>Shape legend: N rows, B batch, D input dimension, Z latent dimension, L levels.
 */
@SuppressWarnings("try") // NDScope / model resources are held only to be closed
public final class RqVaeModel implements Quantizer {
  /** Artifact kind. */
  public static final String KIND = "rqvae";

  private static final int BATCH = 4096;

  private final RqVaeConfig config;
  private final long seed;
  private final String dataFingerprint;
  private final NDManager manager;
  private final RqVaeBlock block;
  private final ParameterStore ps;

  private RqVaeModel(
      RqVaeConfig config, Map<String, Tensor> weights, long seed, String fp) {
    this.config = config;
    this.seed = seed;
    this.dataFingerprint = fp;
    this.manager = Engine.getEngine("PyTorch").newBaseManager();
    try {
      this.block = new RqVaeBlock(config);
      block.initialize(manager, DataType.FLOAT32, new Shape(1, config.inputDim()));
      for (Pair<String, Parameter> p : block.getParameters()) {
        Tensor t = weights.get(p.getKey());
        if (t == null) {
          throw new IllegalArgumentException(
              "missing weight '" + p.getKey() + "' (have " + weights.keySet() + ")");
        }
        long[] want = p.getValue().getArray().getShape().getShape();
        if (!Arrays.equals(want, t.shape())) {
          throw new IllegalArgumentException(
              "weight '" + p.getKey() + "' has shape " + Arrays.toString(t.shape())
                  + ", the config needs " + Arrays.toString(want));
        }
        p.getValue().freeze(true);
        p.getValue().getArray().set(t.data());
      }
      this.ps = new ParameterStore(manager, false);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** A model holding copies of {@code weights} (parameter name to tensor). */
  static RqVaeModel of(
      RqVaeConfig config, Map<String, Tensor> weights, long seed, String fp) {
    return new RqVaeModel(config, weights, seed, fp);
  }

  public RqVaeConfig config() {
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
    return config.inputDim();
  }

  @Override
  public long seed() {
    return seed;
  }

  @Override
  public String dataFingerprint() {
    return dataFingerprint;
  }

  /** Copies of every weight, by parameter name. */
  public Map<String, Tensor> weights() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      NDArray a = p.getValue().getArray();
      out.put(p.getKey(), new Tensor(a.getShape().getShape(), a.toFloatArray()));
    }
    return out;
  }

  /** A copy of level {@code l}'s codebook, {@code (K, Z)} row-major. */
  public float[] codebook(int level) {
    return block.quantizer().codebookValues(level);
  }

  private void checkDim(EmbeddingMatrix m) {
    if (m.dim() != config.inputDim()) {
      throw new IllegalArgumentException(
          "embeddings have dim=" + m.dim() + ", this RQ-VAE expects " + config.inputDim());
    }
  }

  @Override
  public int[][] encode(EmbeddingMatrix embeddings) {
    checkDim(embeddings);
    int n = embeddings.rows();
    int d = config.inputDim();
    int levels = config.levels();
    int[][] codes = new int[n][levels]; // (N, L)
    for (int start = 0; start < n; start += BATCH) {
      int b = Math.min(BATCH, n - start);
      float[] xb = Arrays.copyOfRange(embeddings.data(), start * d, (start + b) * d); // (B, D)
      long[] c;
      try (NDManager sub = manager.newSubManager();
          NDScope scope = new NDScope()) {
        NDArray x = sub.create(xb, new Shape(b, d)); // (B, D)
        NDArray z = block.encodeLatent(ps, x); // (B, Z)
        NDList q = block.quantizer().forward(ps, new NDList(z), false);
        c = q.get(1).toLongArray(); // (B, L)
      }
      for (int i = 0; i < b; i++) {
        for (int l = 0; l < levels; l++) {
          codes[start + i][l] = (int) c[i * levels + l];
        }
      }
    }
    return codes;
  }

  /** The latent of every row, {@code (N, Z)} row-major. */
  public float[] latent(EmbeddingMatrix embeddings) {
    checkDim(embeddings);
    int n = embeddings.rows();
    int d = config.inputDim();
    float[] out = new float[n * config.latentDim()]; // (N, Z)
    for (int start = 0; start < n; start += BATCH) {
      int b = Math.min(BATCH, n - start);
      float[] xb = Arrays.copyOfRange(embeddings.data(), start * d, (start + b) * d); // (B, D)
      try (NDManager sub = manager.newSubManager();
          NDScope scope = new NDScope()) {
        float[] z = block.encodeLatent(ps, sub.create(xb, new Shape(b, d))).toFloatArray();
        System.arraycopy(z, 0, out, start * config.latentDim(), z.length);
      }
    }
    return out;
  }

  /** Decodes code tuples to embeddings, {@code (N, D)} row-major. */
  public float[] decode(int[][] codes) {
    int n = codes.length;
    int levels = config.levels();
    int d = config.inputDim();
    float[] out = new float[n * d]; // (N, D)
    for (int start = 0; start < n; start += BATCH) {
      int b = Math.min(BATCH, n - start);
      long[] cb = new long[b * levels]; // (B, L)
      for (int i = 0; i < b; i++) {
        int[] row = codes[start + i];
        if (row.length != levels) {
          throw new IllegalArgumentException(
              "row " + (start + i) + " has " + row.length + " codes, expected " + levels);
        }
        for (int l = 0; l < levels; l++) {
          if (row[l] < 0 || row[l] >= config.codebookSize()) {
            throw new IllegalArgumentException(
                "row " + (start + i) + " level " + l + " code " + row[l] + " is outside [0, "
                    + config.codebookSize() + ")");
          }
          cb[i * levels + l] = row[l];
        }
      }
      try (NDManager sub = manager.newSubManager();
          NDScope scope = new NDScope()) {
        NDArray c = sub.create(cb, new Shape(b, levels)); // (B, L)
        float[] xHat = block.decodeCodes(ps, c).toFloatArray(); // (B, D)
        System.arraycopy(xHat, 0, out, start * d, xHat.length);
      }
    }
    return out;
  }

  @Override
  public float[] reconstruct(int[][] codes) {
    return decode(codes);
  }

  @Override
  public void save(Path dir) {
    QuantizerFiles.write(dir, KIND, seed, dataFingerprint, config, weights());
  }

  /** Loads a folder written by {@link #save}. */
  public static RqVaeModel load(Path dir) {
    QuantizerFiles.Artifact a = QuantizerFiles.read(dir, KIND);
    RqVaeConfig cfg;
    try {
      cfg = QuantizerFiles.JSON.treeToValue(a.config(), RqVaeConfig.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new DataFormatException(
          dir.resolve(QuantizerFiles.META_FILE), 0, "config", "bad config: " + e.getMessage());
    }
    try {
      return new RqVaeModel(cfg, a.tensors(), a.seed(), a.dataFingerprint());
    } catch (IllegalArgumentException e) {
      throw new DataFormatException(dir.resolve(QuantizerFiles.WEIGHTS_FILE), 0, null,
          e.getMessage());
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
