package genrec.serving.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import genrec.cascade.exposure.ShownItemsConfig;
import genrec.core.io.DataFormatException;
import genrec.generator.align.AlignConfig;
import genrec.generator.baseline.ItemKnn;
import genrec.generator.data.SyntheticInteractions;
import genrec.generator.model.GeneratorConfig;
import genrec.generator.train.TrainConfig;
import genrec.quantizer.rqkmeans.ResidualKMeansConfig;
import genrec.quantizer.rqvae.RqVaeConfig;
import genrec.serving.http.PipelineConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A named preset: {@code tiny} (tests), {@code demo} (fresh-machine demo) or {@code beauty}
 * (benchmark). The YAML files live in {@code configs/} and are also packaged on the classpath, so
 * a preset is found by name anywhere; a path to another YAML file works too. Every setting of a
 * preset is a key of its file: the quantizer's networks ({@code rqvae:}, {@code rqkmeans:}), the
 * generator's network ({@code generator:}), its training recipe ({@code train:}) and preference
 * tuning ({@code align:}) included. In those five sections a key left out takes the default of the
 * config's builder, listed in {@code docs/configuration.md}; the other sections name every key.
 * Unknown keys and bad values are {@link DataFormatException}s naming the file, line and key.
 *
 * @param data dataset settings
 * @param baseline baseline settings
 * @param quantizer semantic-ID quantizer settings
 * @param rqvae the RQ-VAE's network and training settings ({@code method: rqvae}); its epochs are
 *     {@code quantizer.epochs}, its input width the embeddings'
 * @param rqkmeans residual k-means' code shape ({@code method: rqkmeans}); its iterations and
 *     balance are {@code quantizer.iterations} and {@code quantizer.balanced}
 * @param generator the generator's network and layout ({@code genrec train})
 * @param train the generator's training recipe ({@code genrec train})
 * @param align preference tuning of the generator ({@code genrec align})
 * @param pipeline the defaults of the cascade {@code POST /v1/recommend} runs
 * @param exposure the exposure filter: per-user Bloom filters of items already shown
 */
public record Preset(Data data, Baseline baseline, Quantizer quantizer, RqVaeConfig rqvae,
    ResidualKMeansConfig rqkmeans, Generator generator, Train train, AlignConfig align,
    Pipeline pipeline, Exposure exposure) {

  /** Puts {@code quantizer.epochs}, {@code .iterations} and {@code .balanced} into the configs. */
  public Preset {
    if (quantizer != null && rqvae != null) {
      rqvae = rqvae.toBuilder().optEpochs(quantizer.epochs()).build();
    }
    if (quantizer != null && rqkmeans != null) {
      rqkmeans = rqkmeans.toBuilder().optIterations(quantizer.iterations())
          .optBalanced(quantizer.balanced()).build();
    }
  }

  /** The keys of {@code rqvae:}; keys left out take {@link RqVaeConfig#builder()}'s defaults. */
  static final List<String> RQVAE_KEYS = List.of("hiddenDims", "latentDim", "activation",
      "levels", "codebookSize", "beta", "batchSize", "learningRate", "optimizer", "weightDecay",
      "initSamples", "deadCodeThreshold", "deadCodeWindow", "emaDecay");

  static RqVaeConfig readRqVae(Section s) {
    RqVaeConfig d = RqVaeConfig.builder().build();
    return s.build(() -> d.toBuilder()
        .optHiddenDims(s.integers("hiddenDims", d.hiddenDims()))
        .optLatentDim(s.integer("latentDim", d.latentDim()))
        .optActivation(s.choice("activation", RqVaeConfig.Activation.class, d.activation()))
        .setLevels(s.integer("levels", d.levels()))
        .setCodebookSize(s.integer("codebookSize", d.codebookSize()))
        .optBeta(s.decimal("beta", d.beta()))
        .optBatchSize(s.integer("batchSize", d.batchSize()))
        .optLearningRate(s.decimal("learningRate", d.learningRate()))
        .optOptimizer(s.choice("optimizer", RqVaeConfig.OptimizerKind.class, d.optimizer()))
        .optWeightDecay(s.decimal("weightDecay", d.weightDecay()))
        .optInitSamples(s.integer("initSamples", d.initSamples()))
        .optDeadCodeThreshold(s.integer("deadCodeThreshold", d.deadCodeThreshold()))
        .optDeadCodeWindow(s.integer("deadCodeWindow", d.deadCodeWindow()))
        .optEmaDecay(s.decimal("emaDecay", d.emaDecay()))
        .build());
  }

  /** The keys of {@code rqkmeans:}; left out: {@link ResidualKMeansConfig#builder()}'s. */
  static final List<String> RQKMEANS_KEYS = List.of("levels", "codebookSize", "threads");

  static ResidualKMeansConfig readRqKMeans(Section s) {
    ResidualKMeansConfig d = ResidualKMeansConfig.builder().build();
    return s.build(() -> d.toBuilder()
        .setLevels(s.integer("levels", d.levels()))
        .setCodebookSize(s.integer("codebookSize", d.codebookSize()))
        .optThreads(s.integer("threads", d.threads()))
        .build());
  }

  /** How a history becomes encoder positions, and the matching sample layout. */
  public enum Layout {
    /**
     * One position per item, causal encoder: one pass trains every prefix of a sequence ({@link
     * TrainConfig.Samples#SEQUENCE}).
     */
    SEQUENCE,
    /** One encoder position per code, every prefix its own sample (the TIGER paper). */
    TIGER,
    /** One position per item, every prefix its own sample. */
    COMPACT
  }

  /**
   * The generator's network. Keys left out take the TIGER paper's model ({@link
   * GeneratorConfig#tiger()}); user tokens are off (the evaluation passes no user id, so they could
   * not be used at test time); the codebook size comes from the run's quantizer and the history
   * window from {@code data.historyWindow}.
   *
   * @param layout the layout {@code genrec train} uses unless {@code --layout} is given
   * @param network layers, widths, dropout and norm epsilon; its window, codebook, layout and
   *     causal flag are set by {@link #config}
   */
  public record Generator(Layout layout, GeneratorConfig network) {
    /** The keys of {@code generator:}. */
    static final List<String> KEYS = List.of("layout", "encoderLayers", "decoderLayers", "dModel",
        "heads", "headDim", "mlpDim", "dropout", "normEps");

    public Generator {
      if (layout == null || network == null) {
        throw new IllegalArgumentException("generator: layout and network are required");
      }
    }

    static Generator read(Section s) {
      GeneratorConfig d = GeneratorConfig.tiger();
      Layout layout = s.choice("layout", Layout.class, Layout.SEQUENCE);
      return new Generator(layout, s.build(() -> d.toBuilder()
          .setLayers(s.integer("encoderLayers", d.encoderLayers()),
              s.integer("decoderLayers", d.decoderLayers()))
          .setDModel(s.integer("dModel", d.dModel()))
          .setHeads(s.integer("heads", d.heads()))
          .optHeadDim(s.integer("headDim", d.headDim()))
          .setMlpDim(s.integer("mlpDim", d.mlpDim()))
          .optDropout(s.decimal("dropout", d.dropout()))
          .optNormEps(s.decimal("normEps", d.normEps()))
          .optUserBuckets(0)
          .build()));
    }

    /**
     * The network for a run: this preset's sizes with the given layout (null: this preset's),
     * history window and codebook size.
     */
    public GeneratorConfig config(Layout layout, int historyWindow, int codebookSize) {
      Layout l = layout != null ? layout : this.layout;
      return network.toBuilder().optUserBuckets(0).optHistoryWindow(historyWindow)
          .optCodebookSize(codebookSize)
          .optLayout(l == Layout.TIGER ? GeneratorConfig.Layout.TIGER
              : GeneratorConfig.Layout.COMPACT)
          .optCausalEncoder(l == Layout.SEQUENCE)
          .build();
    }
  }

  /**
   * The generator's training recipe. Keys left out take {@link TrainConfig.Builder}'s defaults;
   * {@code batchSize}, {@code learningRate} and one of {@code maxSteps} / {@code epochs} are
   * required.
   *
   * @param recipe the optimisation settings (its sample layout is set by {@link #config})
   * @param scaledEpochs above 0: the real-data rule, {@code genrec train} without {@code --steps}
   *     trains this many passes over the data ({@link TrainConfig#scaledToData}), replacing
   *     {@code maxSteps}; 0: {@code maxSteps} / {@code epochs} as given
   * @param validateShare with {@code scaledEpochs}: validation and checkpoints every this share of
   *     the run, rounded to 100 steps (at least 100), in (0, 1]
   */
  public record Train(TrainConfig recipe, double scaledEpochs, double validateShare) {
    /** The keys of {@code train:}. */
    static final List<String> KEYS = List.of("batchSize", "learningRate", "warmupSteps", "decay",
        "minLearningRateRatio", "weightDecay", "beta1", "beta2", "epsilon", "clipNorm",
        "maxSteps", "epochs", "scaledEpochs", "validateShare", "validateEvery",
        "validationUsers", "validationBeam", "patience", "checkpointEvery", "lengthBuckets",
        "emaDecay");

    public Train {
      if (recipe == null) {
        throw new IllegalArgumentException("train: the recipe is required");
      }
      if (!(scaledEpochs >= 0) || !Double.isFinite(scaledEpochs)) {
        throw new IllegalArgumentException("scaledEpochs=" + scaledEpochs
            + " must be >= 0 (0 = off)");
      }
      if (!(validateShare > 0 && validateShare <= 1)) {
        throw new IllegalArgumentException("validateShare=" + validateShare
            + " must be in (0, 1]");
      }
    }

    static Train read(Section s) {
      return s.build(() -> {
        List<String> missing = new java.util.ArrayList<>();
        for (String k : List.of("batchSize", "learningRate")) {
          if (!s.has(k)) {
            missing.add(k);
          }
        }
        if (!s.has("maxSteps") && !s.has("epochs")) {
          missing.add("maxSteps or epochs");
        }
        if (!missing.isEmpty()) {
          throw new IllegalArgumentException(String.join(", ", missing)
              + " must be set (no default)");
        }
        // the builder's defaults (batch size, learning rate and steps have none)
        TrainConfig d = TrainConfig.builder().setBatchSize(1).setLearningRate(1f).setMaxSteps(1)
            .build();
        TrainConfig.Builder b = TrainConfig.builder()
            .setBatchSize(s.integer("batchSize", -1))
            .setLearningRate(s.decimal("learningRate", -1f))
            .optWarmupSteps(s.integer("warmupSteps", d.warmupSteps()))
            .optDecay(s.choice("decay", TrainConfig.Decay.class, d.decay()))
            .optMinLearningRateRatio(s.decimal("minLearningRateRatio", d.minLearningRateRatio()))
            .optWeightDecay(s.decimal("weightDecay", d.weightDecay()))
            .optBetas(s.decimal("beta1", d.beta1()), s.decimal("beta2", d.beta2()))
            .optEpsilon(s.decimal("epsilon", d.epsilon()))
            .optClipNorm(s.decimal("clipNorm", d.clipNorm()))
            .optValidateEvery(s.integer("validateEvery", d.validateEvery()))
            .optValidationUsers(s.integer("validationUsers", d.validationUsers()))
            .optValidationBeam(s.integer("validationBeam", d.validationBeam()))
            .optPatience(s.integer("patience", d.patience()))
            .optCheckpointEvery(s.integer("checkpointEvery", d.checkpointEvery()))
            .optLengthBuckets(s.integer("lengthBuckets", d.lengthBuckets()))
            .optEmaDecay(s.decimal("emaDecay", d.emaDecay()));
        int maxSteps = s.integer("maxSteps", 0);
        int epochs = s.integer("epochs", 0);
        if (maxSteps != 0 && epochs != 0) {
          throw new IllegalArgumentException("maxSteps=" + maxSteps + " and epochs=" + epochs
              + ": exactly one must be set (>= 1)");
        }
        if (epochs != 0) {
          b.setEpochs(epochs);
        } else {
          b.setMaxSteps(maxSteps);
        }
        return new Train(b.build(), s.number("scaledEpochs", 0),
            s.number("validateShare", TrainConfig.VALIDATE_SHARE));
      });
    }

    /** The recipe with the sample layout of {@code layout}. */
    public TrainConfig config(Layout layout) {
      return recipe.toBuilder().optSamples(layout == Layout.SEQUENCE
          ? TrainConfig.Samples.SEQUENCE : TrainConfig.Samples.PER_PREFIX).build();
    }

    /**
     * {@code c} under the real-data rule: {@code scaledEpochs} passes of {@code batchesPerEpoch}
     * steps, validation and checkpoints every {@code validateShare} of the run; {@code c} itself
     * when the rule is off ({@code scaledEpochs} 0).
     */
    public TrainConfig scaled(TrainConfig c, long batchesPerEpoch) {
      return scaledEpochs > 0 ? c.scaledToData(batchesPerEpoch, scaledEpochs, validateShare) : c;
    }
  }

  /** The keys of {@code align:}; keys left out take {@link AlignConfig#defaults()}' values. */
  static final List<String> ALIGN_KEYS = List.of("steps", "rounds", "usersPerRound", "batchSize",
      "learningRate", "warmupSteps", "weightDecay", "clipNorm", "beta", "ceWeight", "ceTarget",
      "negatives", "minRewardGap", "listSize", "beamWidth", "excludeHistory", "validateEvery",
      "validationUsers", "validationBeam", "checkpointEvery", "selectBy");

  static AlignConfig readAlign(Section s) {
    AlignConfig d = AlignConfig.defaults();
    return s.build(() -> d.toBuilder()
        .setSteps(s.integer("steps", d.steps()))
        .setRounds(s.integer("rounds", d.rounds()))
        .setUsersPerRound(s.integer("usersPerRound", d.usersPerRound()))
        .setBatchSize(s.integer("batchSize", d.batchSize()))
        .setLearningRate(s.decimal("learningRate", d.learningRate()))
        .optWarmupSteps(s.integer("warmupSteps", d.warmupSteps()))
        .optWeightDecay(s.decimal("weightDecay", d.weightDecay()))
        .optClipNorm(s.decimal("clipNorm", d.clipNorm()))
        .optBeta(s.decimal("beta", d.beta()))
        .optCeWeight(s.decimal("ceWeight", d.ceWeight()))
        .optCeTarget(s.choice("ceTarget", AlignConfig.CeTarget.class, d.ceTarget()))
        .optNegatives(s.integer("negatives", d.negatives()))
        .optMinRewardGap(s.decimal("minRewardGap", d.minRewardGap()))
        .optListSize(s.integer("listSize", d.listSize()))
        .optBeamWidth(s.integer("beamWidth", d.beamWidth()))
        .optExcludeHistory(s.bool("excludeHistory", d.excludeHistory()))
        .optValidateEvery(s.integer("validateEvery", d.validateEvery()))
        .optValidationUsers(s.integer("validationUsers", d.validationUsers()))
        .optValidationBeam(s.integer("validationBeam", d.validationBeam()))
        .optCheckpointEvery(s.integer("checkpointEvery", d.checkpointEvery()))
        .optSelectBy(s.choice("selectBy", AlignConfig.Selection.class, d.selectBy()))
        .build());
  }

  /**
   * The generator network of this preset for a run.
   *
   * @param layout the layout, or null for this preset's {@code generator.layout}
   * @param codebookSize codes per level the run's semantic IDs need
   */
  public GeneratorConfig generatorConfig(Layout layout, int codebookSize) {
    return generator.config(layout, data.historyWindow(), codebookSize);
  }

  /**
   * The training recipe of this preset, before the real-data rule ({@link Train#scaled}).
   *
   * @param layout the layout, or null for this preset's {@code generator.layout}
   */
  public TrainConfig trainConfig(Layout layout) {
    return train.config(layout != null ? layout : generator.layout());
  }

  /**
   * The cascade's defaults ({@link PipelineConfig} documents each; a request's {@code pipeline}
   * object overrides them).
   *
   * @param byDefault run the cascade for requests without a {@code pipeline} object
   * @param quotas recall channels {@code name=quota,...} in priority order
   * @param rerank none, mmr or dpp
   * @param theta relevance weight of MMR / DPP, in [0, 1] (below 1 for dpp)
   * @param window MMR / DPP similarity window in slots (0: the whole slate)
   * @param similarity sid, category or text
   * @param coldStartBoost added to a new item's re-rank score
   * @param coldStartShare one slot in every N for new items (0: none)
   * @param coldStartCap showings after which a new item is no longer boosted
   * @param coldStartMaxAgeHours how long an item added live counts as new
   */
  public record Pipeline(boolean byDefault, String quotas, String rerank, double theta,
      int window, String similarity, double coldStartBoost, int coldStartShare,
      int coldStartCap, double coldStartMaxAgeHours) {
    public Pipeline {
      if (!(coldStartMaxAgeHours > 0) || !Double.isFinite(coldStartMaxAgeHours)) {
        throw new IllegalArgumentException("pipeline.coldStartMaxAgeHours="
            + coldStartMaxAgeHours + " must be above 0");
      }
      try { // (the record's fields are not set yet in its compact constructor: the parameters)
        new PipelineConfig(byDefault, quotas, rerank, theta, window, similarity, coldStartBoost,
            coldStartShare, coldStartCap, hours(coldStartMaxAgeHours), true,
            ShownItemsConfig.defaults(), Duration.ofSeconds(60), null);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("pipeline." + e.getMessage(), e);
      }
    }
  }

  /**
   * The exposure filter ({@link ShownItemsConfig}).
   *
   * @param filter leave out items already shown to the user (requests with a user id)
   * @param falsePositiveRate the filters' false-positive rate at capacity, e.g. 0.01
   * @param capacityPerUser distinct items per user per generation at that rate
   * @param rotateHours generation length T: an item shown is remembered at least T, under 2T
   * @param maxUsers users kept, least recently used dropped first
   * @param saveEverySeconds how often the store is saved to the run folder when it changed
   */
  public record Exposure(boolean filter, double falsePositiveRate, int capacityPerUser,
      double rotateHours, int maxUsers, int saveEverySeconds) {
    public Exposure {
      if (!(rotateHours > 0) || !Double.isFinite(rotateHours)) {
        throw new IllegalArgumentException("exposure.rotateHours=" + rotateHours
            + " must be above 0");
      }
      if (saveEverySeconds < 1) {
        throw new IllegalArgumentException("exposure.saveEverySeconds=" + saveEverySeconds
            + " must be >= 1");
      }
      try {
        shown(falsePositiveRate, capacityPerUser, rotateHours, maxUsers);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("exposure." + e.getMessage(), e);
      }
    }

    ShownItemsConfig shown() {
      return shown(falsePositiveRate, capacityPerUser, rotateHours, maxUsers);
    }

    private static ShownItemsConfig shown(double fpp, int capacity, double hours, int users) {
      return new ShownItemsConfig(capacity, fpp, hours(hours), users);
    }
  }

  /**
   * The server's cascade settings from this preset.
   *
   * @param exposureDir where the exposure store is kept (the run folder), or null: memory only
   */
  public PipelineConfig pipelineConfig(Path exposureDir) {
    return config(pipeline, exposure, exposureDir);
  }

  private static Duration hours(double h) {
    return Duration.ofMillis(Math.max(1, Math.round(h * 3.6e6)));
  }

  private static PipelineConfig config(Pipeline p, Exposure e, Path exposureDir) {
    return new PipelineConfig(p.byDefault(), p.quotas(), p.rerank(), p.theta(), p.window(),
        p.similarity(), p.coldStartBoost(), p.coldStartShare(), p.coldStartCap(),
        hours(p.coldStartMaxAgeHours()), e.filter(), e.shown(),
        Duration.ofSeconds(e.saveEverySeconds()), exposureDir);
  }

  /**
   * @param historyWindow items of history a model sees
   * @param synthetic the synthetic dataset's options
   */
  public record Data(int historyWindow, SyntheticInteractions.Options synthetic) {
    public Data {
      if (historyWindow < 1) {
        throw new IllegalArgumentException("data.historyWindow=" + historyWindow + " must be >= 1");
      }
    }
  }

  /**
   * @param neighbours ItemKNN neighbours per item (0 = all)
   * @param lastN ItemKNN: most recent history items scored
   */
  public record Baseline(int neighbours, int lastN) {
    public ItemKnn.Options itemKnn(int threads) {
      return new ItemKnn.Options(neighbours, lastN, threads);
    }
  }

  /**
   * Quantizer settings; network sizes and the remaining training settings are the {@code rqvae:}
   * and {@code rqkmeans:} sections ({@link Preset#rqvae()}, {@link Preset#rqkmeans()}).
   *
   * @param method "rqvae" or "rqkmeans"
   * @param epochs RQ-VAE training epochs
   * @param iterations RQ-KMeans iterations per level
   * @param balanced RQ-KMeans balanced assignment
   * @param seed training seed
   * @param cfWeight weight of the item-CF neighbour mean mixed into each text embedding, in [0, 1)
   *     (0 = text only; {@code NeighbourMix})
   * @param cfNeighbours ItemKNN neighbours per item for that mix, at least 1
   */
  public record Quantizer(String method, int epochs, int iterations, boolean balanced, long seed,
      double cfWeight, int cfNeighbours) {
    public Quantizer {
      if (!"rqvae".equals(method) && !"rqkmeans".equals(method)) {
        throw new IllegalArgumentException("quantizer.method='" + method + "' must be rqvae or rqkmeans");
      }
      if (!(cfWeight >= 0 && cfWeight < 1)) {
        throw new IllegalArgumentException("quantizer.cfWeight=" + cfWeight + " must be in [0, 1)");
      }
      if (cfNeighbours < 1) {
        throw new IllegalArgumentException("quantizer.cfNeighbours=" + cfNeighbours + " must be >= 1");
      }
    }
  }

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
      .configure(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES, true)
      .configure(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES, true)
      .registerModule(new SimpleModule("genrec-preset-sections")
          .addDeserializer(Generator.class, Section.reader("generator", Generator.KEYS,
              Generator::read))
          .addDeserializer(Train.class, Section.reader("train", Train.KEYS, Train::read))
          .addDeserializer(AlignConfig.class, Section.reader("align", ALIGN_KEYS,
              Preset::readAlign))
          .addDeserializer(RqVaeConfig.class, Section.reader("rqvae", RQVAE_KEYS,
              Preset::readRqVae))
          .addDeserializer(ResidualKMeansConfig.class, Section.reader("rqkmeans", RQKMEANS_KEYS,
              Preset::readRqKMeans)));

  /** Loads a preset by name ({@code tiny}, {@code demo}, {@code beauty}) or from a YAML path. */
  public static Preset load(String nameOrPath) {
    Path p = Path.of(nameOrPath);
    if (nameOrPath.endsWith(".yaml") || nameOrPath.endsWith(".yml")) {
      if (!Files.isRegularFile(p)) {
        throw new DataFormatException(p, 0, null, "preset file not found");
      }
      try (InputStream in = Files.newInputStream(p)) {
        return parse(in, p);
      } catch (IOException e) {
        throw new DataFormatException(p, 0, null, "could not read: " + e.getMessage());
      }
    }
    String res = "/configs/" + nameOrPath + ".yaml";
    try (InputStream in = Preset.class.getResourceAsStream(res)) {
      if (in == null) {
        throw new IllegalArgumentException(
            "unknown preset '" + nameOrPath + "' (presets: tiny, demo, beauty; or a path to a .yaml file)");
      }
      return parse(in, Path.of("configs", nameOrPath + ".yaml"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Preset parse(InputStream in, Path where) throws IOException {
    try {
      return YAML.readerFor(Preset.class).withAttribute(Section.FILE, where).readValue(in);
    } catch (UnrecognizedPropertyException e) {
      throw new DataFormatException(where, e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
          e.getPropertyName(), "unknown setting '" + e.getPropertyName() + "'");
    } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
      for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
        if (t instanceof DataFormatException d) { // a section's key, named with its line
          throw d;
        }
      }
      Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
      throw new DataFormatException(where, e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
          path(e), cause == e ? e.getOriginalMessage() : cause.getMessage());
    }
  }

  /** The setting's dotted path, e.g. "data.synthetic". */
  private static String path(com.fasterxml.jackson.databind.JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : e.getPath()) {
      if (sb.length() > 0) {
        sb.append('.');
      }
      sb.append(r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]");
    }
    return sb.toString();
  }
}
