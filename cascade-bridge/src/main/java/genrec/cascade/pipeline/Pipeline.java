package genrec.cascade.pipeline;

import genrec.cascade.recall.Candidate;
import genrec.cascade.recall.CandidateChannel;
import genrec.cascade.recall.CandidateMerger;
import genrec.cascade.recall.ChannelCandidates;
import genrec.cascade.recall.GeneratorChannel;
import genrec.cascade.recall.MergedCandidate;
import genrec.cascade.recall.MergedCandidates;
import genrec.cascade.rerank.Candidates;
import genrec.cascade.rerank.CategorySimilarity;
import genrec.cascade.rerank.ColdStart;
import genrec.cascade.rerank.Dpp;
import genrec.cascade.rerank.FreshItems;
import genrec.cascade.rerank.Mmr;
import genrec.cascade.rerank.RerankResult;
import genrec.cascade.rerank.Reranker;
import genrec.cascade.rerank.Rule;
import genrec.cascade.rerank.ScoreOrder;
import genrec.cascade.rerank.SemanticIdSimilarity;
import genrec.cascade.rerank.SimilaritySource;
import genrec.cascade.rerank.TextVectorSimilarity;
import genrec.generator.baseline.ItemKnn;
import genrec.generator.decode.BeamResult;
import genrec.quantizer.catalog.Item;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The cascade, built once from a run folder, for every caller: {@code eval --cascade}, {@code
 * rank train} (its candidate lists), {@code bench rank}, {@code serve}, and a program that
 * recommends in process. One {@link CascadeRequest} in, one {@link CascadeResult} out; stages,
 * each timed:
 *
 * <ol>
 *   <li>{@code generate}: the generator's beam search (the one conversion of its hypotheses into
 *       a channel list is {@link GeneratorChannel#of}); a server that batches its searches on its
 *       own pool hands the result in ({@link #recommend(CascadeRequest, BeamResult)});
 *   <li>{@code exposure}: every channel's list loses the items the user was already shown (with
 *       a user id and the filter on), before the merge, so the quotas fill with unseen items;
 *   <li>{@code recall}: the other channels' lists ({@link RecallChannels}), each as long as the
 *       merged list can be, and the merge under the quotas ({@link CandidateMerger}; the history
 *       is never admitted);
 *   <li>{@code rank}: the run's ranker ({@link RankingStage}, or any {@link CandidateScorer}),
 *       when it has one and the request did not turn it off;
 *   <li>{@code rerank}: the cold-start boost and share for items added live ({@link ColdStart}),
 *       then none (score order), MMR or DPP over the chosen similarity under the rules, to k
 *       items. It reads the ranker's score, else the reciprocal-rank fusion of the channels'
 *       ranks, {@code sum 1 / (60 + rank)} over the channels that returned the item;
 *   <li>the returned items are recorded as shown when asked.
 * </ol>
 *
 * <p>Load a run with {@link #loader(RunFolder)}; a server assembles one over its live catalogue
 * with {@link #builder()}. Thread-safe when its parts are (the loaded ones are). Closing it
 * closes what the loader opened.
 */
public final class Pipeline implements AutoCloseable {
  /** The constant of reciprocal-rank fusion (Cormack et al., 2009). */
  public static final int RRF_K = 60;
  /** The one label candidates carry: an item's first category. */
  public static final String LABEL = "category";
  /** The default quotas of a loaded run: the channels in priority order and the items each adds. */
  public static final String DEFAULT_QUOTAS = "generator=100,itemknn=60,content=30,popularity=10";

  private final ItemView items;
  private final RecallChannels recall;
  private final Generators generators; // null: no generator
  private final CandidateScorer scorer; // null: no ranking stage
  private final ExposureLog exposure;
  private final CandidateMerger merger; // the loaded run's quotas, null for a server's
  private final Integer beam; // the loaded run's beam width, or null
  private final int[][] codes; // dataset items' semantic IDs, or null
  private final ItemKnn.Options knnOptions;
  private final int historyLength;
  private final List<String> notes;
  private final List<AutoCloseable> owned;

  private Pipeline(Builder b) {
    this.items = b.items;
    this.recall = b.recall;
    this.generators = b.generators;
    this.scorer = b.scorer;
    this.exposure = b.exposure;
    this.merger = b.merger;
    this.beam = b.beam;
    this.codes = b.codes;
    this.knnOptions = b.knnOptions;
    this.historyLength = b.historyLength;
    this.notes = List.copyOf(b.notes);
    this.owned = List.copyOf(b.owned);
  }

  // ---------------------------------------------------------------- the request

  /**
   * A request for {@code history} with this run's quotas and beam ({@link #merger()}), ranking
   * on, score order: what {@code eval --cascade} measures.
   */
  public CascadeRequest.Builder request(int[] history) {
    CascadeRequest.Builder b = CascadeRequest.builder().setHistory(history).optBeam(beam);
    if (merger != null) {
      b.optQuotas(merger.describe());
    }
    return b;
  }

  /** Runs the cascade, the generator's search included. */
  public CascadeResult recommend(CascadeRequest r) {
    return run(r, null, false, exposure);
  }

  /**
   * Runs the cascade with the generator's hypotheses searched already (a server batches its
   * searches): {@code generated} null when the request has no generator quota or an empty
   * history.
   */
  public CascadeResult recommend(CascadeRequest r, BeamResult generated) {
    return run(r, generated, true, exposure);
  }

  /**
   * As {@link #recommend(CascadeRequest, BeamResult)}, remembering what was shown in {@code
   * exposure} (a server's store) instead of the pipeline's own log.
   */
  public CascadeResult recommend(CascadeRequest r, BeamResult generated, ExposureLog exposure) {
    return run(r, generated, true, Objects.requireNonNull(exposure, "exposure"));
  }

  /** The merged candidates of a request and the ranking stage's scores (null without one). */
  public record Ranked(MergedCandidates merged, float[] scores) {}

  /**
   * Channels, merge and ranking of {@code r}, no exposure filter, no re-ranking: the scored list
   * that {@code eval --cascade} orders ({@link CascadeRecommender}).
   */
  public Ranked rank(CascadeRequest r) {
    Map<String, Integer> quotas = quotas(r);
    int capacity = capacity(quotas);
    CandidateMerger.Builder mb = CandidateMerger.builder();
    List<ChannelCandidates> lists = new ArrayList<>();
    for (Map.Entry<String, Integer> e : quotas.entrySet()) {
      mb.addChannel(e.getKey(), e.getValue());
      lists.add(list(e.getKey(), e.getValue(), r, capacity, false));
    }
    int[] history = r.history();
    MergedCandidates merged = mb.build().merge(history, lists);
    float[] s = r.rank() && scorer != null && merged.size() > 0
        ? score(history, merged) : null;
    return new Ranked(merged, s);
  }

  private CascadeResult run(CascadeRequest r, BeamResult generated, boolean given,
      ExposureLog exposure) {
    Map<String, Long> nanos = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    int[] history = r.history();
    String userId = r.userId();
    boolean filter = r.exposureFilter() && userId != null;
    Map<String, Integer> quotas = quotas(r);
    int capacity = capacity(quotas);
    // generate (unless the caller searched)
    ChannelCandidates genList = null;
    if (quotas.getOrDefault(GeneratorChannel.NAME, 0) > 0) {
      long g0 = System.nanoTime();
      genList = given
          ? (generated == null ? ChannelCandidates.empty(GeneratorChannel.NAME)
              : GeneratorChannel.of(generated, history, Integer.MAX_VALUE))
          : list(GeneratorChannel.NAME, quotas.get(GeneratorChannel.NAME), r, capacity, filter);
      if (!given) {
        nanos.put("generate", System.nanoTime() - g0);
      }
    }
    // recall (with the exposure filter on each list)
    long t = System.nanoTime();
    long filterNanos = 0;
    int filtered = 0;
    CandidateMerger.Builder mb = CandidateMerger.builder();
    List<ChannelCandidates> lists = new ArrayList<>();
    for (Map.Entry<String, Integer> e : quotas.entrySet()) {
      String c = e.getKey();
      mb.addChannel(c, e.getValue());
      ChannelCandidates list = c.equals(GeneratorChannel.NAME)
          ? (genList != null ? genList : ChannelCandidates.empty(c))
          : list(c, e.getValue(), r, capacity, filter);
      if (filter) {
        long f0 = System.nanoTime();
        int before = list.size();
        list = unseen(list, userId, exposure);
        filtered += before - list.size();
        if (!c.equals(GeneratorChannel.NAME) && list.size() > capacity) {
          list = new ChannelCandidates(c, list.candidates().subList(0, capacity));
        }
        filterNanos += System.nanoTime() - f0;
      }
      lists.add(list);
    }
    MergedCandidates merged = mb.build().merge(history, lists);
    nanos.put("exposure", filterNanos);
    nanos.put("recall", System.nanoTime() - t - filterNanos);
    int n = merged.size();
    // rank
    float[] rankScores = null;
    if (r.rank() && scorer != null && n > 0) {
      t = System.nanoTime();
      rankScores = score(history, merged);
      nanos.put("rank", System.nanoTime() - t);
    }
    // rerank
    t = System.nanoTime();
    List<CascadeResult.Slot> slots = new ArrayList<>();
    String described = "none";
    if (n > 0) {
      List<String> ids = new ArrayList<>(n);
      List<String> labels = new ArrayList<>(n);
      double[] scores = new double[n];
      for (int i = 0; i < n; i++) {
        MergedCandidate m = merged.candidates().get(i);
        Item it = items.item(m.item());
        ids.add(it.id());
        labels.add(it.categories().isEmpty() ? null : it.categories().get(0));
        if (rankScores != null) {
          scores[i] = rankScores[i];
        } else {
          double s = 0;
          for (int c = 0; c < merged.channels().size(); c++) {
            if (m.from(c)) {
              s += 1.0 / (RRF_K + m.rank(c));
            }
          }
          scores[i] = s;
        }
      }
      Candidates.Builder cb = Candidates.builder().setIds(ids).setScores(scores)
          .optLabel(LABEL, labels);
      Reranker reranker = switch (r.rerank()) {
        case "mmr" -> Mmr.builder().optTheta(r.theta()).optWindow(r.window()).build();
        case "dpp" -> Dpp.builder().optTheta(r.theta()).optWindow(r.window()).build();
        default -> ScoreOrder.instance();
      };
      if (!r.rerank().equals("none")) {
        String kind = r.similarity();
        if (kind.equals("text")) {
          for (MergedCandidate m : merged.candidates()) {
            if (recall.vector(m.item()) == null) {
              notes.add("rerank: item '" + items.item(m.item()).id() + "' "
                  + (recall.hasVectors() ? "(added live) " : "") + "has no "
                  + "text vector: similarity 'sid' instead of 'text'");
              kind = "sid";
              break;
            }
          }
        }
        cb.optSimilarity(similarity(kind).over(ids));
      }
      Candidates cands = cb.build();
      List<Rule> rules = new ArrayList<>(r.rules());
      ColdStart coldStart = null;
      if (r.coldStart()) {
        FreshItems fresh = new FreshItems(r.coldStartMaxAge());
        for (String id : ids) {
          Instant at = items.addedAt(id);
          if (at != null) {
            fresh.added(id, at);
          }
        }
        if (fresh.size() > 0) {
          coldStart = ColdStart.builder().setFreshItems(fresh)
              .setExposureCounts(exposure.counts()).optBoost(r.coldStartBoost())
              .optShare(r.coldStartShare()).optCap(r.coldStartCap()).build();
          ColdStart.Applied a = coldStart.apply(cands);
          cands = a.candidates();
          rules.addAll(a.rules()); // last: the first relaxed
          notes.addAll(a.notes());
        }
      }
      RerankResult rr = reranker.rerank(cands, r.k(), rules);
      if (coldStart != null) {
        coldStart.shown(cands, rr);
        exposure.countsChanged();
      }
      notes.addAll(rr.notes());
      for (int i : rr.order()) {
        MergedCandidate m = merged.candidates().get(i);
        slots.add(new CascadeResult.Slot(m.item(), merged.channels().get(m.source()),
            m.score(m.source()), rankScores == null ? Float.NaN : rankScores[i], cands.score(i),
            cands.isFresh(i)));
      }
      described = reranker.describe();
    } else {
      notes.add("no candidates: no channel proposed an item"
          + (history.length == 0 ? " for an empty history (the popularity channel does)" : ""));
    }
    nanos.put("rerank", System.nanoTime() - t);
    if (r.recordExposure() && userId != null && !slots.isEmpty()) {
      exposure.record(userId, slots.stream().map(s -> items.item(s.item()).id()).toList());
    }
    return new CascadeResult(slots, n, filtered, nanos, notes, described);
  }

  private Map<String, Integer> quotas(CascadeRequest r) {
    if (r.quotas() != null) {
      return r.quotas();
    }
    if (merger == null) {
      throw new IllegalArgumentException("the request names no quotas and the pipeline has none "
          + "of its own");
    }
    Map<String, Integer> q = new LinkedHashMap<>();
    merger.channels().forEach(c -> q.put(c, merger.quota(c)));
    return q;
  }

  /**
   * Every channel lists as many items as the merged list can hold, as {@code rank train} and
   * {@code eval --cascade} fetch them (so a ranker reads the features it learnt on).
   */
  private static int capacity(Map<String, Integer> quotas) {
    return Math.max(1, quotas.values().stream().mapToInt(Integer::intValue).sum());
  }

  /**
   * Channel {@code c}'s list: with the exposure filter, as many more as its quota (cut back to
   * the merged list's length after filtering). The generator's: {@code generatorLength}, else the
   * same length, with the request's beam, else the run's, else max(quota, 10).
   */
  private ChannelCandidates list(String c, int quota, CascadeRequest r, int capacity,
      boolean filter) {
    int want = filter ? capacity + Math.max(1, quota) : capacity;
    if (!c.equals(GeneratorChannel.NAME)) {
      if (!recall.has(c)) {
        throw new IllegalArgumentException("channel " + c + " is not available: "
            + RecallChannels.missing(c));
      }
      return recall.candidates(c, r.history(), want);
    }
    if (generators == null) {
      throw new IllegalArgumentException(RunFolder.noGenerator());
    }
    int length = r.generatorLength() != null ? r.generatorLength() : want;
    int width = r.beam() != null ? r.beam() : beam != null ? beam : Math.max(quota, 10);
    return generatorChannel(width).candidates(r.history(), length);
  }

  /**
   * The generator as a channel with beam {@code width}: a batch of one search, then {@link
   * GeneratorChannel#of}; an empty history gets an empty list.
   */
  public CandidateChannel generatorChannel(int width) {
    if (generators == null) {
      throw new IllegalStateException(RunFolder.noGenerator());
    }
    return new CandidateChannel() {
      @Override
      public String name() {
        return GeneratorChannel.NAME;
      }

      @Override
      public ChannelCandidates candidates(int[] history, int n) {
        if (n < 1) {
          throw new IllegalArgumentException("n=" + n + " candidates requested: must be >= 1");
        }
        if (history.length == 0) {
          return ChannelCandidates.empty(GeneratorChannel.NAME);
        }
        BeamResult b = generators.search(new int[][] {history},
            Math.min(n, generators.trie().numItems()), width, true).get(0);
        return GeneratorChannel.of(b, history, n);
      }
    };
  }

  private float[] score(int[] history, MergedCandidates merged) {
    int n = merged.size();
    float[] s = scorer.score(history, merged);
    if (s == null || s.length != n) {
      throw new IllegalStateException(scorer.describe() + " returned "
          + (s == null ? "null" : s.length + " scores") + " for " + n + " candidates");
    }
    for (int i = 0; i < n; i++) {
      if (!Float.isFinite(s[i])) {
        throw new IllegalStateException(scorer.describe() + " scored candidate " + i + " "
            + s[i]);
      }
    }
    return s;
  }

  /** {@code list} without the items {@code user} was shown, ranks renumbered. */
  private ChannelCandidates unseen(ChannelCandidates list, String user, ExposureLog exposure) {
    List<Candidate> kept = new ArrayList<>(list.size());
    for (Candidate c : list.candidates()) {
      if (!exposure.seen(user, items.item(c.item()).id())) {
        kept.add(new Candidate(c.item(), c.score(), kept.size() + 1));
      }
    }
    return kept.size() == list.size() ? list : new ChannelCandidates(list.channel(), kept);
  }

  private SimilaritySource similarity(String kind) {
    return switch (kind) {
      case "category" -> CategorySimilarity.source(id -> items.item(items.indexOf(id))
          .categories());
      case "text" -> TextVectorSimilarity.source(id -> recall.vector(items.indexOf(id)));
      default -> SemanticIdSimilarity.source(id -> items.codes(items.indexOf(id)),
          SemanticIdSimilarity.DEFAULT_S1, SemanticIdSimilarity.DEFAULT_S2);
    };
  }

  // ---------------------------------------------------------------- what it holds

  public ItemView items() {
    return items;
  }

  /** The channels besides the generator. */
  public RecallChannels recall() {
    return recall;
  }

  /** Whether the pipeline can run channel {@code name}. */
  public boolean has(String name) {
    return name.equals(GeneratorChannel.NAME) ? generators != null : recall.has(name);
  }

  /** Whether the generator channel is part of the cascade. */
  public boolean hasGenerator() {
    return generators != null;
  }

  /** The generator stage, or null. */
  public Generators generators() {
    return generators;
  }

  /** The ranking stage, or null. */
  public CandidateScorer scorer() {
    return scorer;
  }

  /** The run's trained ranker when the ranking stage is one, else null. */
  public RankingStage ranker() {
    return scorer instanceof RankingStage s ? s : null;
  }

  /** The loaded run's quotas (the available channels of the asked ones), or null. */
  public CandidateMerger merger() {
    return merger;
  }

  /** The generator's beam width of a loaded run: the asked one, else max(quota, 10); 0 without. */
  public int beamWidth() {
    if (generators == null || merger == null) {
      return 0;
    }
    return beam != null ? beam : Math.max(merger.quota(GeneratorChannel.NAME), 10);
  }

  /** The dataset items' semantic IDs, or null. */
  public int[][] codes() {
    return codes;
  }

  /** History positions the ranking features read. */
  public int historyLength() {
    return historyLength;
  }

  /** What the loader changed or left out (channels dropped, features off). */
  public List<String> notes() {
    return notes;
  }

  /** This pipeline with another ranking stage (null: none). The old one stays open. */
  public Pipeline withScorer(CandidateScorer scorer) {
    Builder b = toBuilder();
    b.scorer = scorer;
    b.owned = new ArrayList<>(); // the original keeps ownership
    return b.build();
  }

  /**
   * The channels and ranking features of this run refitted on {@code fitOn} (another set of
   * sequences: {@code rank train} fits its training inputs without the targets), with this
   * pipeline's generator, text vectors, codes and quotas.
   */
  public CascadeInputs inputs(List<int[]> fitOn) {
    Objects.requireNonNull(merger, "a loaded run's quotas");
    return CascadeInputs.of(RecallChannels.fit(fitOn, recall.numItems(), knnOptions,
        recall.text()), codes, generators == null ? null : generatorChannel(beamWidth()), merger,
        historyLength);
  }

  /** The inputs of the channels this pipeline was loaded with (no refit). */
  public CascadeInputs inputs() {
    return CascadeInputs.of(recall, codes,
        generators == null ? null : generatorChannel(beamWidth()), merger, historyLength);
  }

  @Override
  public void close() {
    if (generators != null && !owned.isEmpty()) {
      generators.closeSearches();
    }
    for (int i = owned.size() - 1; i >= 0; i--) {
      try {
        owned.get(i).close();
      } catch (Exception e) {
        throw new IllegalStateException("closing the pipeline failed: " + e.getMessage(), e);
      }
    }
  }

  // ---------------------------------------------------------------- building

  public static Builder builder() {
    return new Builder();
  }

  private Builder toBuilder() {
    Builder b = new Builder();
    b.items = items;
    b.recall = recall;
    b.generators = generators;
    b.scorer = scorer;
    b.exposure = exposure;
    b.merger = merger;
    b.beam = beam;
    b.codes = codes;
    b.knnOptions = knnOptions;
    b.historyLength = historyLength;
    b.notes = new ArrayList<>(notes);
    b.owned = new ArrayList<>(owned);
    return b;
  }

  /**
   * Assembles a pipeline from its parts (what a server does over its live catalogue): {@code
   * set*} required, {@code opt*} optional.
   */
  public static final class Builder {
    private ItemView items;
    private RecallChannels recall;
    private Generators generators;
    private CandidateScorer scorer;
    private ExposureLog exposure = ExposureLog.none();
    private CandidateMerger merger;
    private Integer beam;
    private int[][] codes;
    private ItemKnn.Options knnOptions = ItemKnn.Options.defaults();
    private int historyLength = 20;
    private List<String> notes = new ArrayList<>();
    private List<AutoCloseable> owned = new ArrayList<>();

    private Builder() {}

    public Builder setItems(ItemView items) {
      this.items = items;
      return this;
    }

    public Builder setRecall(RecallChannels recall) {
      this.recall = recall;
      return this;
    }

    public Builder optGenerators(Generators generators) {
      this.generators = generators;
      return this;
    }

    public Builder optScorer(CandidateScorer scorer) {
      this.scorer = scorer;
      return this;
    }

    public Builder optExposure(ExposureLog exposure) {
      this.exposure = exposure;
      return this;
    }

    /** The default quotas of requests that name none. */
    public Builder optMerger(CandidateMerger merger) {
      this.merger = merger;
      return this;
    }

    public Builder optBeam(Integer beam) {
      this.beam = beam;
      return this;
    }

    public Builder optCodes(int[][] codes) {
      this.codes = codes;
      return this;
    }

    public Builder optItemKnn(ItemKnn.Options options) {
      this.knnOptions = options;
      return this;
    }

    public Builder optHistoryLength(int historyLength) {
      this.historyLength = historyLength;
      return this;
    }

    public Builder optNote(String note) {
      this.notes.add(note);
      return this;
    }

    /** Closed with the pipeline, last given first closed. */
    public Builder optOwned(AutoCloseable resource) {
      this.owned.add(resource);
      return this;
    }

    /** @throws IllegalArgumentException naming the missing or bad part */
    public Pipeline build() {
      if (items == null) {
        throw new IllegalArgumentException("items are required (setItems)");
      }
      if (recall == null) {
        throw new IllegalArgumentException("recall channels are required (setRecall)");
      }
      if (recall.numItems() > items.numItems()) {
        throw new IllegalArgumentException("the recall channels know " + recall.numItems()
            + " items but the item view names " + items.numItems());
      }
      Objects.requireNonNull(exposure, "exposure");
      if (historyLength < 1) {
        throw new IllegalArgumentException("historyLength=" + historyLength + " must be >= 1");
      }
      if (beam != null && beam < 1) {
        throw new IllegalArgumentException("beam=" + beam + " must be >= 1");
      }
      return new Pipeline(this);
    }
  }

  /**
   * Loads a run folder for offline use (evaluation, ranker training, a batch job, a program):
   * {@link PipelineLoader}.
   */
  public static PipelineLoader loader(RunFolder run) {
    return new PipelineLoader(run);
  }
}
