package genrec.serving.http;

import genrec.cascade.recall.Candidate;
import genrec.cascade.recall.CandidateMerger;
import genrec.cascade.recall.ChannelCandidates;
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
import genrec.quantizer.catalog.Item;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cascade behind {@code POST /v1/recommend} with a pipeline, for one request, on a worker
 * thread (never the event loop), after the generator's list has come back from the {@link
 * InferencePool}. Stages, each timed:
 *
 * <ol>
 *   <li>{@code exposure}: every channel's list loses the items the user was already shown (with
 *       a user id and the filter on), before the merge, so the quotas fill with unseen items;
 *   <li>{@code recall}: the other channels' lists ({@link RecallSources}) and the merge under the
 *       quotas ({@link CandidateMerger}; the history is never admitted);
 *   <li>{@code rank}: the run's {@link CandidateScorer}, when it has one and the request did not
 *       turn it off;
 *   <li>{@code rerank}: the cold-start boost and share for items added live (younger than the
 *       age limit, under the exposure cap: {@link ColdStart}), then none (score order), MMR or
 *       DPP over the chosen similarity under the rules, to k items. It reads the ranker's score,
 *       else the reciprocal-rank fusion of the channels' ranks, {@code sum 1 / (60 + rank)} over
 *       the channels that returned the item (scale-free: the channels' own scores are a
 *       log-probability, a cosine, a count);
 *   <li>the returned items are recorded as shown when asked ({@code record_exposure}).
 * </ol>
 */
final class Cascade {
  /** The constant of reciprocal-rank fusion (Cormack et al., 2009). */
  static final int RRF_K = 60;

  private Cascade() {}

  /**
   * One returned item.
   *
   * @param item dense item index
   * @param channel the channel whose quota admitted it
   * @param recall that channel's own score
   * @param rank the ranker's score, NaN without the ranking stage
   * @param rerank the score the re-ranker read (ranker or fusion, plus a cold-start boost)
   * @param fresh whether the cold-start stage treated it as new
   */
  record Slot(int item, String channel, float recall, float rank, double rerank, boolean fresh) {}

  /**
   * The cascade's answer.
   *
   * @param slots the items, slot by slot
   * @param candidates the merged list's size
   * @param filtered candidates left out as already shown
   * @param stageNanos time per stage (exposure, recall, rank, rerank), in stage order
   * @param notes what did not go as asked
   * @param reranker the re-ranker as it ran, e.g. {@code mmr(theta=0.5, window=0)}
   */
  record Result(List<Slot> slots, int candidates, int filtered, Map<String, Long> stageNanos,
      List<String> notes, String reranker) {}

  /**
   * Runs the stages after the generator.
   *
   * @param generator the generator's list (null when the pipeline has no generator quota or the
   *     history is empty)
   * @param userId the user (null: no exposure filter, nothing recorded)
   */
  static Result run(ServingModel model, int[] history, int k, String userId, boolean record,
      PipelineRequest p, ChannelCandidates generator, ExposureStore store) {
    Map<String, Long> nanos = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>(p.notes());
    boolean filter = p.exposureFilter() && userId != null;
    // recall (with the exposure filter on each list)
    long t = System.nanoTime();
    long filterNanos = 0;
    int filtered = 0;
    CandidateMerger.Builder mb = CandidateMerger.builder();
    List<ChannelCandidates> lists = new ArrayList<>();
    // every channel lists as many items as the merged list can hold, as 'genrec rank train'
    // and 'eval --cascade' fetch them (so a ranker reads the features it learnt on); with the
    // exposure filter, as many more as the channel's quota, then cut back to that length after
    // filtering (the same lists as without the filter when nothing was shown)
    int capacity = Math.max(1, p.quotas().values().stream().mapToInt(Integer::intValue).sum());
    for (Map.Entry<String, Integer> e : p.quotas().entrySet()) {
      String c = e.getKey();
      mb.addChannel(c, e.getValue());
      ChannelCandidates list;
      if (c.equals("generator")) {
        list = generator != null ? generator : ChannelCandidates.empty(c);
      } else {
        list = model.recall().candidates(c, history,
            filter ? capacity + Math.max(1, e.getValue()) : capacity);
      }
      if (filter) {
        long f0 = System.nanoTime();
        int before = list.size();
        list = unseen(model, list, userId, store);
        filtered += before - list.size();
        if (!c.equals("generator") && list.size() > capacity) {
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
    CandidateScorer scorer = model.scorer();
    if (p.rank() && scorer != null && n > 0) {
      t = System.nanoTime();
      rankScores = scorer.score(history, merged);
      if (rankScores == null || rankScores.length != n) {
        throw new IllegalStateException(scorer.describe() + " returned "
            + (rankScores == null ? "null" : rankScores.length + " scores") + " for " + n
            + " candidates");
      }
      for (int i = 0; i < n; i++) {
        if (!Float.isFinite(rankScores[i])) {
          throw new IllegalStateException(scorer.describe() + " scored candidate " + i + " "
              + rankScores[i]);
        }
      }
      nanos.put("rank", System.nanoTime() - t);
    }
    // rerank
    t = System.nanoTime();
    List<Slot> slots = new ArrayList<>();
    String described = "none";
    if (n > 0) {
      List<String> ids = new ArrayList<>(n);
      List<String> labels = new ArrayList<>(n);
      double[] scores = new double[n];
      for (int i = 0; i < n; i++) {
        MergedCandidate m = merged.candidates().get(i);
        Item it = model.item(m.item());
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
          .optLabel(PipelineRequest.LABEL, labels);
      Reranker reranker = switch (p.rerank()) {
        case "mmr" -> Mmr.builder().optTheta(p.theta()).optWindow(p.window()).build();
        case "dpp" -> Dpp.builder().optTheta(p.theta()).optWindow(p.window()).build();
        default -> ScoreOrder.instance();
      };
      if (!p.rerank().equals("none")) {
        String kind = p.similarity();
        if (kind.equals("text")) {
          for (MergedCandidate m : merged.candidates()) {
            if (model.recall().vector(m.item()) == null) {
              notes.add("rerank: item '" + model.item(m.item()).id() + "' (added live) has no "
                  + "text vector: similarity 'sid' instead of 'text'");
              kind = "sid";
              break;
            }
          }
        }
        cb.optSimilarity(similarity(model, kind).over(ids));
      }
      Candidates cands = cb.build();
      List<Rule> rules = new ArrayList<>(p.rules());
      ColdStart coldStart = null;
      if (p.coldStart()) {
        FreshItems fresh = new FreshItems(p.coldStartMaxAge());
        for (String id : ids) {
          Instant at = model.addedAt(id);
          if (at != null) {
            fresh.added(id, at);
          }
        }
        if (fresh.size() > 0) {
          coldStart = ColdStart.builder().setFreshItems(fresh).setExposureCounts(store.counts())
              .optBoost(p.coldStartBoost()).optShare(p.coldStartShare())
              .optCap(p.coldStartCap()).build();
          ColdStart.Applied a = coldStart.apply(cands);
          cands = a.candidates();
          rules.addAll(a.rules()); // last: the first relaxed
          notes.addAll(a.notes());
        }
      }
      RerankResult r = reranker.rerank(cands, k, rules);
      if (coldStart != null) {
        coldStart.shown(cands, r);
        store.countsChanged();
      }
      notes.addAll(r.notes());
      for (int i : r.order()) {
        MergedCandidate m = merged.candidates().get(i);
        slots.add(new Slot(m.item(), merged.channels().get(m.source()), m.score(m.source()),
            rankScores == null ? Float.NaN : rankScores[i], cands.score(i), cands.isFresh(i)));
      }
      described = reranker.describe();
    } else {
      notes.add("no candidates: no channel proposed an item"
          + (history.length == 0 ? " for an empty history (the popularity channel does)" : ""));
    }
    nanos.put("rerank", System.nanoTime() - t);
    if (record && userId != null && !slots.isEmpty()) {
      store.record(userId, slots.stream().map(s -> model.item(s.item()).id()).toList());
    }
    return new Result(slots, n, filtered, nanos, notes, described);
  }

  /** {@code list} without the items {@code user} was shown, ranks renumbered. */
  private static ChannelCandidates unseen(ServingModel model, ChannelCandidates list,
      String user, ExposureStore store) {
    List<Candidate> kept = new ArrayList<>(list.size());
    for (Candidate c : list.candidates()) {
      if (!store.seen(user, model.item(c.item()).id())) {
        kept.add(new Candidate(c.item(), c.score(), kept.size() + 1));
      }
    }
    return kept.size() == list.size() ? list : new ChannelCandidates(list.channel(), kept);
  }

  private static SimilaritySource similarity(ServingModel model, String kind) {
    return switch (kind) {
      case "category" -> CategorySimilarity.source(id -> model.item(model.indexOf(id))
          .categories());
      case "text" -> TextVectorSimilarity.source(id -> model.recall().vector(model.indexOf(id)));
      default -> SemanticIdSimilarity.source(id -> model.codes(model.indexOf(id)),
          SemanticIdSimilarity.DEFAULT_S1, SemanticIdSimilarity.DEFAULT_S2);
    };
  }
}
