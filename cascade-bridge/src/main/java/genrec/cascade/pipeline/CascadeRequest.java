package genrec.cascade.pipeline;

import genrec.cascade.recall.CandidateMerger;
import genrec.cascade.rerank.ColdStart;
import genrec.cascade.rerank.Rule;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One question to the {@link Pipeline}: a user's history and how to run each stage. The HTTP
 * server translates a request's JSON into it ({@code serving.http.PipelineRequest}), the
 * commands their options; {@link Pipeline#request(int[])} starts one with the loaded run's
 * quotas. Build with {@link #builder()}: {@code set*} for the required history, {@code opt*} for
 * the rest; {@link Builder#build()} names a bad value. Immutable.
 *
 * @param history the user's items (dense indices), oldest first; may be empty
 * @param k items to return
 * @param userId the user, or null: no exposure filter, nothing recorded
 * @param recordExposure record the returned items as shown to {@code userId}
 * @param quotas channel -> quota, in priority order (null: the loaded run's)
 * @param rank whether the ranking stage runs (when the pipeline has one)
 * @param rerank none, mmr or dpp
 * @param theta relevance weight of MMR / DPP
 * @param window sliding window of MMR / DPP (0 = the whole list)
 * @param similarity sid, category or text
 * @param rules business rules, most important first
 * @param coldStartBoost score added to new items
 * @param coldStartShare slots among the first ones kept for new items (0 = none)
 * @param coldStartCap showings after which an item is no longer boosted
 * @param coldStartMaxAge age after which an added item is no longer new
 * @param exposureFilter leave out the items {@code userId} was shown
 * @param beam the generator's beam width, or null: the run's, else max(quota, 10)
 * @param generatorLength the generator's list length, or null: as long as the merged list can be
 */
public record CascadeRequest(int[] history, int k, String userId, boolean recordExposure,
    Map<String, Integer> quotas, boolean rank, String rerank, double theta, int window,
    String similarity, List<Rule> rules, double coldStartBoost, int coldStartShare,
    int coldStartCap, Duration coldStartMaxAge, boolean exposureFilter, Integer beam,
    Integer generatorLength) {
  /** The re-rankers. */
  public static final List<String> RERANKERS = List.of("none", "mmr", "dpp");
  /** The similarities of MMR / DPP. */
  public static final List<String> SIMILARITIES = List.of("sid", "category", "text");
  /** The channels a pipeline can run. */
  public static final Set<String> CHANNELS = Set.of("generator", "itemknn", "content",
      "popularity");

  public CascadeRequest {
    history = history.clone();
    quotas = quotas == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(quotas));
    rules = List.copyOf(rules);
  }

  @Override
  public int[] history() {
    return history.clone();
  }

  /** Whether the cold-start stage runs. */
  public boolean coldStart() {
    return coldStartBoost > 0 || coldStartShare > 0;
  }

  /** A builder with this request's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.history = history;
    b.k = k;
    b.userId = userId;
    b.recordExposure = recordExposure;
    b.quotas = quotas;
    b.rank = rank;
    b.rerank = rerank;
    b.theta = theta;
    b.window = window;
    b.similarity = similarity;
    b.rules = rules;
    b.coldStartBoost = coldStartBoost;
    b.coldStartShare = coldStartShare;
    b.coldStartCap = coldStartCap;
    b.coldStartMaxAge = coldStartMaxAge;
    b.exposureFilter = exposureFilter;
    b.beam = beam;
    b.generatorLength = generatorLength;
    return b;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Defaults: k 10, ranking on, no re-ranking (score order), no rules, no cold start. */
  public static final class Builder {
    private int[] history;
    private int k = 10;
    private String userId;
    private boolean recordExposure;
    private Map<String, Integer> quotas;
    private boolean rank = true;
    private String rerank = "none";
    private double theta = 0.5;
    private int window = 0;
    private String similarity = "sid";
    private List<Rule> rules = List.of();
    private double coldStartBoost = 0;
    private int coldStartShare = 0;
    private int coldStartCap = ColdStart.DEFAULT_CAP;
    private Duration coldStartMaxAge = Duration.ofHours(72);
    private boolean exposureFilter = true;
    private Integer beam;
    private Integer generatorLength;

    private Builder() {}

    /** The user's items (dense indices), oldest first; may be empty. */
    public Builder setHistory(int[] history) {
      this.history = history;
      return this;
    }

    public Builder optK(int k) {
      this.k = k;
      return this;
    }

    public Builder optUserId(String userId) {
      this.userId = userId;
      return this;
    }

    public Builder optRecordExposure(boolean record) {
      this.recordExposure = record;
      return this;
    }

    /** Channel -> quota, in priority order (the map's order). */
    public Builder optQuotas(Map<String, Integer> quotas) {
      this.quotas = quotas;
      return this;
    }

    /** Quotas as {@code generator=100,itemknn=60,...}, in priority order. */
    public Builder optQuotas(String spec) {
      CandidateMerger m = CandidateMerger.builder().addChannels(spec).build();
      Map<String, Integer> q = new LinkedHashMap<>();
      m.channels().forEach(c -> q.put(c, m.quota(c)));
      this.quotas = q;
      return this;
    }

    public Builder optRank(boolean rank) {
      this.rank = rank;
      return this;
    }

    /** The re-ranker: none, mmr or dpp, with its relevance weight and window. */
    public Builder optRerank(String method, double theta, int window) {
      this.rerank = method;
      this.theta = theta;
      this.window = window;
      return this;
    }

    public Builder optSimilarity(String similarity) {
      this.similarity = similarity;
      return this;
    }

    public Builder optRules(List<Rule> rules) {
      this.rules = rules;
      return this;
    }

    public Builder optColdStart(double boost, int share, int cap, Duration maxAge) {
      this.coldStartBoost = boost;
      this.coldStartShare = share;
      this.coldStartCap = cap;
      this.coldStartMaxAge = maxAge;
      return this;
    }

    public Builder optExposureFilter(boolean filter) {
      this.exposureFilter = filter;
      return this;
    }

    /** The generator's beam width. */
    public Builder optBeam(Integer beam) {
      this.beam = beam;
      return this;
    }

    /** The generator's list length (the server asks for twice its quota). */
    public Builder optGeneratorLength(Integer length) {
      this.generatorLength = length;
      return this;
    }

    /** @throws IllegalArgumentException naming the first bad value */
    public CascadeRequest build() {
      if (history == null) {
        throw new IllegalArgumentException("history is required (setHistory; may be empty)");
      }
      for (int h : history) {
        if (h < 0) {
          throw new IllegalArgumentException("history item " + h + " is not an item index");
        }
      }
      if (k < 1) {
        throw new IllegalArgumentException("k=" + k + " must be >= 1");
      }
      if (recordExposure && userId == null) {
        throw new IllegalArgumentException("recordExposure=true needs a userId");
      }
      if (quotas != null) {
        if (quotas.isEmpty() || quotas.values().stream().noneMatch(q -> q != null && q > 0)) {
          throw new IllegalArgumentException("quotas=" + quotas + ": every quota is 0");
        }
        quotas.forEach((c, q) -> {
          if (!CHANNELS.contains(c)) {
            throw new IllegalArgumentException("quotas: unknown channel '" + c + "' (channels: "
                + String.join(", ", List.of("generator", "itemknn", "content", "popularity"))
                + ")");
          }
          if (q == null || q < 0) {
            throw new IllegalArgumentException("quotas." + c + "=" + q + " must be >= 0");
          }
        });
      }
      if (!RERANKERS.contains(rerank)) {
        throw new IllegalArgumentException("rerank='" + rerank + "' must be one of " + RERANKERS);
      }
      if (!(theta >= 0 && theta <= 1)) {
        throw new IllegalArgumentException("theta=" + theta + " must be in [0, 1]");
      }
      if (window < 0) {
        throw new IllegalArgumentException("window=" + window + " must be >= 0");
      }
      if (!SIMILARITIES.contains(similarity)) {
        throw new IllegalArgumentException("similarity='" + similarity + "' must be one of "
            + SIMILARITIES);
      }
      if (rules == null) {
        throw new IllegalArgumentException("rules=null: give an empty list for none");
      }
      if (!(coldStartBoost >= 0) || coldStartShare < 0 || coldStartCap < 1
          || coldStartMaxAge == null || coldStartMaxAge.isNegative() || coldStartMaxAge.isZero()) {
        throw new IllegalArgumentException("cold start boost=" + coldStartBoost + ", share="
            + coldStartShare + ", cap=" + coldStartCap + ", maxAge=" + coldStartMaxAge
            + ": need boost >= 0, share >= 0, cap >= 1, maxAge > 0");
      }
      if (beam != null && beam < 1) {
        throw new IllegalArgumentException("beam=" + beam + " must be >= 1");
      }
      if (generatorLength != null && generatorLength < 1) {
        throw new IllegalArgumentException("generatorLength=" + generatorLength
            + " must be >= 1");
      }
      return new CascadeRequest(history, k, userId, recordExposure, quotas, rank, rerank, theta,
          window, similarity, rules, coldStartBoost, coldStartShare, coldStartCap,
          coldStartMaxAge, exposureFilter, beam, generatorLength);
    }
  }
}
