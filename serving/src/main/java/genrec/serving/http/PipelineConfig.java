package genrec.serving.http;

import genrec.cascade.exposure.ShownItemsConfig;
import genrec.cascade.recall.CandidateMerger;
import genrec.cascade.rerank.ColdStart;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server-wide defaults of the cascade {@code POST /v1/recommend} runs ({@link Cascade}); a
 * request's {@code pipeline} object overrides them field by field ({@link PipelineRequest}). The
 * presets' {@code pipeline} and {@code exposure} sections set them.
 *
 * @param byDefault run the cascade for requests without a {@code pipeline} object (default
 *     false: such requests get the generator's list, as before the cascade existed)
 * @param quotas recall channels and how many items each admits, in priority order ({@code
 *     generator=50,itemknn=30,popularity=10,content=20}); channels the run cannot serve are
 *     skipped with a note
 * @param rerank {@code none}, {@code mmr} or {@code dpp} (default mmr)
 * @param theta relevance weight of MMR / DPP (default 0.5)
 * @param window similarity window of MMR / DPP in slots, 0 = the whole slate (default 0)
 * @param similarity {@code sid}, {@code category} or {@code text} (default sid)
 * @param coldStartBoost added to a new item's re-rank score (default 0)
 * @param coldStartShare one slot in every N kept for new items, 0 = none (default 0)
 * @param coldStartCap showings after which a new item is no longer boosted (default 1000)
 * @param coldStartMaxAge how long an item added through {@code POST /v1/items} counts as new
 *     (default 72 h)
 * @param exposureFilter leave out items the user was already shown (requests with a {@code
 *     user_id}; default true)
 * @param shown sizing of the per-user Bloom filters (false-positive rate default 1%)
 * @param saveEvery how often the exposure store is saved when it changed (default 60 s; it is
 *     also saved at shutdown)
 * @param exposureDir where the exposure store is saved and loaded ({@code genrec serve}: the run
 *     folder), or null to keep it in memory only
 */
public record PipelineConfig(
    boolean byDefault,
    String quotas,
    String rerank,
    double theta,
    int window,
    String similarity,
    double coldStartBoost,
    int coldStartShare,
    int coldStartCap,
    Duration coldStartMaxAge,
    boolean exposureFilter,
    ShownItemsConfig shown,
    Duration saveEvery,
    Path exposureDir) {
  /** The recall channels the cascade knows, in their default priority. */
  public static final List<String> CHANNELS =
      List.of("generator", "itemknn", "popularity", "content");
  public static final List<String> RERANKERS = List.of("none", "mmr", "dpp");
  public static final List<String> SIMILARITIES = List.of("sid", "category", "text");
  public static final String DEFAULT_QUOTAS = "generator=50,itemknn=30,popularity=10,content=20";

  public PipelineConfig {
    quotaMap(quotas); // validates
    if (!RERANKERS.contains(rerank)) {
      throw new IllegalArgumentException("rerank='" + rerank + "' must be one of " + RERANKERS);
    }
    if (!(theta >= 0 && theta <= 1)) {
      throw new IllegalArgumentException("theta=" + theta + " must be in [0, 1]");
    }
    if (rerank.equals("dpp") && theta >= 1) {
      throw new IllegalArgumentException("theta=" + theta + " must be < 1 for dpp");
    }
    if (window < 0) {
      throw new IllegalArgumentException("window=" + window + " must be >= 0 (0: whole slate)");
    }
    if (!SIMILARITIES.contains(similarity)) {
      throw new IllegalArgumentException("similarity='" + similarity + "' must be one of "
          + SIMILARITIES);
    }
    if (!(coldStartBoost >= 0) || !Double.isFinite(coldStartBoost)) {
      throw new IllegalArgumentException("coldStartBoost=" + coldStartBoost + " must be >= 0");
    }
    if (coldStartShare < 0) {
      throw new IllegalArgumentException("coldStartShare=" + coldStartShare + " must be >= 0");
    }
    if (coldStartCap < 1) {
      throw new IllegalArgumentException("coldStartCap=" + coldStartCap + " must be >= 1");
    }
    if (coldStartMaxAge == null || coldStartMaxAge.isNegative() || coldStartMaxAge.isZero()) {
      throw new IllegalArgumentException("coldStartMaxAge=" + coldStartMaxAge
          + " must be positive");
    }
    if (shown == null) {
      throw new IllegalArgumentException("shown (the exposure filters' sizing) is required");
    }
    if (saveEvery == null || saveEvery.toMillis() < 1) {
      throw new IllegalArgumentException("saveEvery=" + saveEvery + " must be at least 1 ms");
    }
  }

  /** The defaults listed above, kept in memory only. */
  public static PipelineConfig defaults() {
    return new PipelineConfig(false, DEFAULT_QUOTAS, "mmr", 0.5, 0, "sid", 0,
        0, ColdStart.DEFAULT_CAP, Duration.ofHours(72), true, ShownItemsConfig.defaults(),
        Duration.ofSeconds(60), null);
  }

  /** The same settings, saving the exposure store in {@code dir} (null: memory only). */
  public PipelineConfig withExposureDir(Path dir) {
    return new PipelineConfig(byDefault, quotas, rerank, theta, window, similarity,
        coldStartBoost, coldStartShare, coldStartCap, coldStartMaxAge, exposureFilter, shown,
        saveEvery, dir);
  }

  /** The same settings, with the cascade on or off for requests without {@code pipeline}. */
  public PipelineConfig withByDefault(boolean on) {
    return new PipelineConfig(on, quotas, rerank, theta, window, similarity, coldStartBoost,
        coldStartShare, coldStartCap, coldStartMaxAge, exposureFilter, shown, saveEvery,
        exposureDir);
  }

  /**
   * {@code name=quota,...} as an ordered map, each name one of {@link #CHANNELS}.
   *
   * @throws IllegalArgumentException for a malformed list, an unknown channel or a bad quota
   */
  static Map<String, Integer> quotaMap(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("quotas is empty: name=count pairs, e.g. "
          + DEFAULT_QUOTAS);
    }
    CandidateMerger m = CandidateMerger.builder().addChannels(spec).build();
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String c : m.channels()) {
      if (!CHANNELS.contains(c)) {
        throw new IllegalArgumentException("quotas: unknown channel '" + c + "' (channels: "
            + String.join(", ", CHANNELS) + ")");
      }
      out.put(c, m.quota(c));
    }
    return out;
  }
}
