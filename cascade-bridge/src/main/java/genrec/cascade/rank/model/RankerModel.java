package genrec.cascade.rank.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genrec.cascade.rank.features.RankBatch;
import genrec.cascade.rank.features.RankRows;
import genrec.core.io.AtomicFiles;
import genrec.core.io.DataFormatException;
import genrec.core.tensor.Tensor;
import genrec.core.tensor.TensorFile;
import genrec.core.train.Weights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A trained ranker: config, frozen weights in its own {@link NDManager}, the training seed and
 * the fingerprint of its training data. Immutable and safe for concurrent {@link #predict} calls
 * (each call works in its own sub-manager; the weights are only read). Holds native memory, so
 * {@link #close()} it.
 *
 * <p>Saved into a folder as {@value #MODEL_FILE} ({@link TensorFile}, format {@value #FORMAT}:
 * header with config, seed, fingerprint, then the weights) and {@value #MODEL_JSON} (the header,
 * readable), each written atomically; {@link #load} gives identical predictions.
 */
public final class RankerModel implements AutoCloseable {
  /** Format tag of a saved ranker. */
  public static final String FORMAT = "genrec-ranker-model/1";
  /** The weights file inside a model folder. */
  public static final String MODEL_FILE = "ranker.bin";
  /** The readable header inside a model folder. */
  public static final String MODEL_JSON = "ranker.json";

  /** Rows per forward pass inside {@link #predict}. */
  public static final int CHUNK = 1024;

  private final RankerConfig config;
  private final long seed;
  private final String dataFingerprint;
  private final ScoreFusion fusion;
  private final NDManager manager;
  private final RankerNetwork network;

  /**
   * Per row fused scores and per task probabilities.
   *
   * @param scores {@link ScoreFusion} score per requested row
   * @param probabilities {@code [row][task]} σ(logit)
   */
  public record Prediction(float[] scores, float[][] probabilities) {}

  private RankerModel(RankerConfig config, Map<String, Tensor> weights, long seed,
      String dataFingerprint) {
    this.config = config;
    this.seed = seed;
    this.dataFingerprint = dataFingerprint;
    this.fusion = ScoreFusion.of(config);
    this.manager = Engine.getEngine("PyTorch").newBaseManager();
    try {
      this.network = new RankerNetwork(config);
      network.initialize(manager);
      Weights.load(weights, network.getParameters(), "the model's weights");
      for (Pair<String, Parameter> p : network.getParameters()) {
        p.getValue().freeze(true);
      }
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** A model holding copies of {@code weights} (parameter name → tensor of {@link RankerNetwork}). */
  public static RankerModel of(RankerConfig config, Map<String, Tensor> weights, long seed,
      String dataFingerprint) {
    return new RankerModel(config, weights, seed, dataFingerprint);
  }

  public RankerConfig config() {
    return config;
  }

  public long seed() {
    return seed;
  }

  /** Fingerprint of the training (and validation) rows. */
  public String dataFingerprint() {
    return dataFingerprint;
  }

  /** Task names, in the order of {@link Prediction#probabilities()}. */
  public List<String> tasks() {
    return config.tasks();
  }

  public ScoreFusion fusion() {
    return fusion;
  }

  /**
   * Scores rows {@code rowIdx} of {@code rows}.
   *
   * @throws IllegalArgumentException if the rows do not fit this model ({@link
   *     RankRows#requireFits}) or an index is out of range
   */
  public Prediction predict(RankRows rows, int[] rowIdx) {
    rows.requireFits(config);
    int n = rowIdx.length;
    int t = config.numTasks();
    float[] scores = new float[n];
    float[][] probs = new float[n][t];
    for (int from = 0; from < n; from += CHUNK) {
      int to = Math.min(n, from + CHUNK);
      float[] logits = logits(rows, Arrays.copyOfRange(rowIdx, from, to));
      for (int i = from; i < to; i++) {
        int off = (i - from) * t;
        scores[i] = (float) fusion.score(logits, off);
        for (int k = 0; k < t; k++) {
          probs[i][k] = (float) ScoreFusion.sigmoid(logits[off + k]);
        }
      }
    }
    return new Prediction(scores, probs);
  }

  /** The fused scores alone (see {@link #predict}). */
  public float[] score(RankRows rows, int[] rowIdx) {
    return predict(rows, rowIdx).scores();
  }

  /** Raw logits {@code (n, T)} row-major, of one chunk. */
  private float[] logits(RankRows rows, int[] idx) {
    try (NDManager m = manager.newSubManager()) {
      RankBatch b = rows.batch(m, idx);
      NDArray logits = network.logits(new ParameterStore(m, false), b, false); // (B, T)
      return logits.toFloatArray();
    }
  }

  /** Copies of every weight, by parameter name. */
  public Map<String, Tensor> weights() {
    return weightsOf(network);
  }

  /** Copies of every weight of {@code net}, by parameter name. */
  public static Map<String, Tensor> weightsOf(RankerNetwork net) {
    return Weights.of(net.getParameters());
  }

  /** The header saved with the weights. */
  public ObjectNode header() {
    ObjectNode h = TensorFile.JSON.createObjectNode();
    h.put("format", FORMAT);
    h.put("seed", seed);
    h.put("dataFingerprint", dataFingerprint);
    h.set("config", TensorFile.JSON.valueToTree(config));
    return h;
  }

  /** Saves into folder {@code dir} (created if needed): {@value #MODEL_FILE}, {@value #MODEL_JSON}. */
  public void save(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("could not create " + dir + ": " + e.getMessage(), e);
    }
    ObjectNode h = header();
    TensorFile.write(dir.resolve(MODEL_FILE), h, weights());
    AtomicFiles.writeString(dir.resolve(MODEL_JSON), h.toPrettyString() + "\n");
  }

  /** Loads a model saved by {@link #save} into {@code dir}. */
  public static RankerModel load(Path dir) {
    Path file = dir.resolve(MODEL_FILE);
    TensorFile.Contents c = TensorFile.read(file, FORMAT);
    RankerConfig config = configOf(c.header(), "config", file);
    try {
      return of(config, c.tensors(), c.header().path("seed").asLong(),
          c.header().path("dataFingerprint").asText());
    } catch (IllegalArgumentException e) {
      throw new DataFormatException(file, 0, null, e.getMessage());
    }
  }

  /** The config in {@code header}'s {@code field}; errors name {@code file} and the field. */
  public static RankerConfig configOf(ObjectNode header, String field, Path file) {
    JsonNode n = header.get(field);
    if (n == null || n.isNull()) {
      throw new DataFormatException(file, 0, field, "missing header field");
    }
    try {
      return TensorFile.JSON.treeToValue(n, RankerConfig.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new DataFormatException(file, 0, field, "bad value: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
