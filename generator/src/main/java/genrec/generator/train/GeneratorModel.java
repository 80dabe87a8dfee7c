package genrec.generator.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.node.ObjectNode;
import genrec.core.io.DataFormatException;
import genrec.core.tensor.Tensor;
import genrec.core.tensor.TensorFile;
import genrec.core.train.Weights;
import genrec.generator.decode.BeamSearch;
import genrec.generator.decode.PrefixTrie;
import genrec.generator.model.GeneratorConfig;
import genrec.generator.model.SidTransformer;
import java.nio.file.Path;
import java.util.Map;

/**
 * A trained generator: config, frozen weights in its own {@link NDManager}, the training seed, the
 * fingerprint of the training data and the fingerprint of the semantic-ID table it was trained
 * on (a model is only meaningful with that table). Immutable; decode with {@link
 * #beamSearch(PrefixTrie)}. Holds native memory, so {@link #close()} it.
 *
 * <p>Saved as one file ({@link TensorFile}, format {@value #FORMAT}), written atomically;
 * {@link #load} gives identical beam-search output.
 */
public final class GeneratorModel implements AutoCloseable {
  /** Format tag of a saved model. */
  public static final String FORMAT = "genrec-generator-model/1";

  private final GeneratorConfig config;
  private final long seed;
  private final String dataFingerprint;
  private final String sidFingerprint;
  private final NDManager manager;
  private final SidTransformer transformer;

  private GeneratorModel(GeneratorConfig config, Map<String, Tensor> weights, long seed,
      String dataFingerprint, String sidFingerprint) {
    this.config = config;
    this.seed = seed;
    this.dataFingerprint = dataFingerprint;
    this.sidFingerprint = sidFingerprint;
    this.manager = Engine.getEngine("PyTorch").newBaseManager();
    try {
      this.transformer = new SidTransformer(config);
      transformer.initialize(manager);
      Weights.load(weights, transformer.getParameters(), "the model's weights");
      for (Pair<String, Parameter> p : transformer.getParameters()) {
        p.getValue().freeze(true);
      }
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * A model holding copies of {@code weights} (parameter name → tensor, as in {@link
   * SidTransformer#getParameters()}).
   */
  public static GeneratorModel of(GeneratorConfig config, Map<String, Tensor> weights, long seed,
      String dataFingerprint, String sidFingerprint) {
    return new GeneratorModel(config, weights, seed, dataFingerprint, sidFingerprint);
  }

  public GeneratorConfig config() {
    return config;
  }

  public long seed() {
    return seed;
  }

  /** Fingerprint of the training sequences and validation cases. */
  public String dataFingerprint() {
    return dataFingerprint;
  }

  /** Fingerprint of the item codes (see {@link TrainData#sidFingerprint()}). */
  public String sidFingerprint() {
    return sidFingerprint;
  }

  /** The network; its weights are frozen and must not be changed. */
  public SidTransformer transformer() {
    return transformer;
  }

  /**
   * A beam-search builder over this model and {@code catalogue}; set options, then build. A built
   * search holds the decoder's folded weights until it is closed or this model is.
   */
  public BeamSearch.Builder beamSearch(PrefixTrie catalogue) {
    return BeamSearch.builder().setModel(transformer).setCatalogue(catalogue);
  }

  /** Copies of every weight, by parameter name. */
  public Map<String, Tensor> weights() {
    return weightsOf(transformer);
  }

  /** Copies of every weight of {@code t}, by parameter name (also used by the DPO trainer). */
  public static Map<String, Tensor> weightsOf(SidTransformer t) {
    return Weights.of(t.getParameters());
  }

  /** A copy of {@code a}'s values and shape, off native memory ({@link Weights#tensorOf}). */
  public static Tensor tensorOf(NDArray a) {
    return Weights.tensorOf(a);
  }

  /** Saves config, seed, fingerprints and weights to {@code file}, atomically. */
  public void save(Path file) {
    TensorFile.write(file, header(), weights());
  }

  /** The header saved with the weights (also useful as a readable summary). */
  public ObjectNode header() {
    ObjectNode h = TensorFile.JSON.createObjectNode();
    h.put("format", FORMAT);
    h.put("seed", seed);
    h.put("dataFingerprint", dataFingerprint);
    h.put("sidFingerprint", sidFingerprint);
    h.set("config", TensorFile.JSON.valueToTree(config));
    return h;
  }

  /**
   * The latest weights of a training checkpoint ({@link GeneratorTrainer#CHECKPOINT_FILE}): the
   * state at its last step, which may differ from the best-validated {@code model.bin}; for a run
   * with {@link TrainConfig#emaDecay()}, the weight average at that step (what the run validates).
   */
  public static GeneratorModel lastOf(Path checkpointFile) {
    Checkpoint cp = Checkpoint.read(checkpointFile);
    Map<String, Tensor> average = cp.group(WeightAverage.PREFIX);
    try {
      return of(cp.modelConfig(), average.isEmpty() ? cp.group("w/") : average, cp.seed(),
          cp.dataFingerprint(), cp.sidFingerprint());
    } catch (IllegalArgumentException e) {
      throw new DataFormatException(checkpointFile, 0, null, e.getMessage());
    }
  }

  /** Loads a model saved by {@link #save}. */
  public static GeneratorModel load(Path file) {
    TensorFile.Contents c = TensorFile.read(file, FORMAT);
    GeneratorConfig config = TensorFile.field(c.header(), "config", GeneratorConfig.class, file);
    try {
      return of(config, c.tensors(), c.header().path("seed").asLong(),
          c.header().path("dataFingerprint").asText(), c.header().path("sidFingerprint").asText());
    } catch (IllegalArgumentException e) {
      throw new DataFormatException(file, 0, null, e.getMessage());
    }
  }

  /**
   * Copies {@code t} into {@code target}'s own native memory after checking the shape (also used
   * by the DPO trainer to start its policy from a model's weights).
   */
  public static void copyInto(Tensor t, NDArray target, String name) {
    Weights.copyInto(t, target, name);
  }

  @Override
  public void close() {
    manager.close();
  }
}
