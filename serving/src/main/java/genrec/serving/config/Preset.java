package genrec.serving.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import genrec.cascade.exposure.ShownItemsConfig;
import genrec.core.io.DataFormatException;
import genrec.generator.baseline.ItemKnn;
import genrec.generator.data.SyntheticInteractions;
import genrec.serving.http.PipelineConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A named preset: {@code tiny} (tests), {@code demo} (fresh-machine demo) or {@code beauty}
 * (benchmark). The YAML files live in {@code configs/} and are also packaged on the classpath, so
 * a preset is found by name anywhere; a path to another YAML file works too.
 *
 * @param data dataset settings
 * @param baseline baseline settings
 * @param quantizer semantic-ID quantizer settings
 * @param pipeline the defaults of the cascade {@code POST /v1/recommend} runs
 * @param exposure the exposure filter: per-user Bloom filters of items already shown
 */
public record Preset(Data data, Baseline baseline, Quantizer quantizer, Pipeline pipeline,
    Exposure exposure) {

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
   * Quantizer settings; network sizes and the remaining training settings come from the {@code
   * RqVaeConfig} / {@code ResidualKMeansConfig} preset of the same name.
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
      .configure(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES, true);

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
      return YAML.readValue(in, Preset.class);
    } catch (UnrecognizedPropertyException e) {
      throw new DataFormatException(where, e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
          e.getPropertyName(), "unknown setting '" + e.getPropertyName() + "'");
    } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
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
