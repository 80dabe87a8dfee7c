package genrec.cascade.eval;

import genrec.cascade.exposure.ItemExposureCounts;
import genrec.cascade.recall.Candidate;
import genrec.cascade.recall.CandidateChannel;
import genrec.cascade.recall.ChannelCandidates;
import genrec.cascade.rerank.Candidates;
import genrec.cascade.rerank.ColdStart;
import genrec.cascade.rerank.Dpp;
import genrec.cascade.rerank.FreshItems;
import genrec.cascade.rerank.ListDiversity;
import genrec.cascade.rerank.Mmr;
import genrec.cascade.rerank.RerankPipeline;
import genrec.cascade.rerank.RerankResult;
import genrec.cascade.rerank.Reranker;
import genrec.cascade.rerank.ScoreOrder;
import genrec.cascade.rerank.SimilaritySource;
import genrec.core.io.Progress;
import genrec.generator.data.LeaveOneOutSplit.EvalCase;
import genrec.generator.eval.RankingMetrics;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The relevance / diversity trade-off of re-ranking, measured offline under the leave-one-out
 * protocol of {@code genrec eval}: every user's top-N candidates from a source (the generator's
 * beam search, a recall channel) are re-ranked to K by each {@link Setting} (relevance order, MMR
 * and DPP over a grid of θ and windows), and each setting's lists are scored:
 *
 * <ul>
 *   <li>NDCG@K and Recall@K of the held-out target, by {@link RankingMetrics} from its slot in
 *       the slate (a target not among the candidates is a miss for every setting; the
 *       candidates' own recall is the ceiling);
 *   <li>ILD, {@link ListDiversity#ild} with the diversity similarity (text cosine), mean over
 *       the lists of at least two items;
 *   <li>per grouping (the semantic ID's first code c1, a category), the mean number of distinct
 *       groups in a list, over the non-empty lists;
 *   <li>catalogue coverage@K: the share of the catalogue in at least one list;
 *   <li>with new items ({@link Builder#optNewItems}): the share of served slots that hold a new
 *       item, and Recall@K / NDCG@K on the users whose target is a new item. With a cold-start
 *       rule ({@link Builder#optColdStart}) every setting is measured twice, without and with
 *       the {@link ColdStart} stage (boost, one slot in every {@code share} for new items, at
 *       most {@code cap} showings per item), unless no candidate list holds a new item (the
 *       stage would change no list; {@link Report#coldRows()} is then false).
 * </ul>
 *
 * <p>Each (setting, cold start) pair is one task that walks the users in case order, so the
 * cold-start exposure counts, and the whole report, do not depend on the thread count; tasks run
 * in parallel.
 *
 * <p>DPP reads the candidates' scores through {@link DppScores}: min-max normalized to [0, 1]
 * by default (the relevance MMR weighs, so one θ grid means the same for both and for every
 * source), or raw (the source's own units, e.g. log-probabilities).
 */
public final class RerankSweep {

  /** The re-ranking methods. */
  public enum Method {
    /** Relevance (score) order: the baseline. */
    SCORE,
    /** {@link Mmr}. */
    MMR,
    /** {@link Dpp}. */
    DPP;

    /** Lower-case name, as on the command line. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The method named {@code name} (case-insensitive), e.g. "mmr". */
    public static Method of(String name) {
      for (Method m : values()) {
        if (m.label().equals(name.strip().toLowerCase(Locale.ROOT))) {
          return m;
        }
      }
      throw new IllegalArgumentException("unknown re-ranking method '" + name.strip()
          + "' (choose from score, mmr, dpp)");
    }

    /**
     * The re-rankers named (case-insensitive), in order, without {@link #SCORE}: relevance order
     * is always measured ({@link #grid}).
     *
     * @throws IllegalArgumentException naming an unknown method
     */
    public static List<Method> allOf(List<String> names) {
      List<Method> out = new ArrayList<>();
      for (String name : names) {
        Method m = of(name);
        if (m != SCORE) {
          out.add(m);
        }
      }
      return out;
    }
  }

  /** How DPP reads the scores. */
  public enum DppScores {
    /** Min-max normalized over each candidate list to [0, 1]. */
    MIN_MAX,
    /** The scores as the source gives them. */
    RAW
  }

  /**
   * One re-ranking setting.
   *
   * @param method the method
   * @param theta relevance weight (1 for relevance order)
   * @param window sliding window (0: the whole list)
   */
  public record Setting(Method method, double theta, int window) {
    public Setting {
      if (method == null) {
        throw new IllegalArgumentException("method is null");
      }
      if (method == Method.SCORE && (theta != 1 || window != 0)) {
        throw new IllegalArgumentException("relevance order takes no theta or window (theta=1, window=0)");
      }
      reranker(method, theta, window); // validates theta and window
    }

    /** Relevance order. */
    public static Setting relevance() {
      return new Setting(Method.SCORE, 1, 0);
    }

    /** The re-ranker of this setting. */
    public Reranker reranker() {
      return reranker(method, theta, window);
    }

    private static Reranker reranker(Method method, double theta, int window) {
      return switch (method) {
        case SCORE -> ScoreOrder.instance();
        case MMR -> Mmr.builder().optTheta(theta).optWindow(window).build();
        case DPP -> Dpp.builder().optTheta(theta).optWindow(window).build();
      };
    }

    /** How the setting reads in a table: {@code relevance}, {@code mmr w=3 θ=0.5}. */
    public String label() {
      return method == Method.SCORE ? "relevance"
          : String.format(Locale.ROOT, "%s w=%d θ=%s", method.label(), window, theta);
    }

    /** The curve the setting belongs to in a chart: {@code mmr w=3}. */
    public String curve() {
      return method == Method.SCORE ? "relevance"
          : String.format(Locale.ROOT, "%s w=%d", method.label(), window);
    }
  }

  /**
   * Relevance order, then for each method and window every θ (DPP leaves out θ = 1, where its
   * quality exponent is infinite: the limit is relevance order, the first setting).
   *
   * @throws IllegalArgumentException for a θ outside [0, 1], a negative or repeated window or θ
   */
  public static List<Setting> grid(List<Method> methods, double[] thetas, int[] windows) {
    checkDistinct("theta", java.util.Arrays.stream(thetas).boxed().toList());
    checkDistinct("window", java.util.Arrays.stream(windows).boxed().toList());
    checkDistinct("method", methods);
    List<Setting> out = new ArrayList<>();
    out.add(Setting.relevance());
    for (Method m : methods) {
      if (m == Method.SCORE) {
        continue;
      }
      for (int w : windows) {
        for (double t : thetas) {
          if (m == Method.DPP && t == 1) {
            Mmr.builder().optWindow(w).build(); // the window check of the left-out setting
            continue;
          }
          out.add(new Setting(m, t, w));
        }
      }
    }
    return out;
  }

  private static <T> void checkDistinct(String what, List<T> values) {
    for (int i = 0; i < values.size(); i++) {
      if (values.indexOf(values.get(i)) != i) {
        throw new IllegalArgumentException(what + " " + values.get(i) + " is given twice");
      }
    }
  }

  /**
   * One user's candidates, best first, and the held-out target.
   *
   * @param items dense item indices, distinct
   * @param scores one finite score per item, not increasing
   * @param target the held-out item
   */
  public record Case(int[] items, double[] scores, int target) {
    public Case {
      if (items.length != scores.length) {
        throw new IllegalArgumentException(items.length + " items but " + scores.length + " scores");
      }
      items = items.clone();
      scores = scores.clone();
    }

    /** The case of a channel's list. */
    public static Case of(ChannelCandidates list, int target) {
      int n = list.size();
      int[] items = new int[n];
      double[] scores = new double[n];
      for (int i = 0; i < n; i++) {
        Candidate c = list.candidates().get(i);
        items[i] = c.item();
        scores[i] = c.score();
      }
      return new Case(items, scores, target);
    }

    /** Whether the target is among the candidates. */
    public boolean hit() {
      for (int i : items) {
        if (i == target) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * The top-{@code n} candidates of {@code channel} for every case's history, in case order.
   * Cases are spread over {@code threads}; the result does not depend on their number.
   */
  public static List<Case> candidates(CandidateChannel channel, List<EvalCase> cases, int n,
      int threads, Progress progress) {
    if (n < 1) {
      throw new IllegalArgumentException("n=" + n + " candidates must be >= 1");
    }
    Case[] out = new Case[cases.size()];
    parallel(threads, cases.size(), i -> {
      EvalCase c = cases.get(i);
      out[i] = Case.of(channel.candidates(c.history(), n), c.target());
      progress.advance(1);
    });
    return List.of(out);
  }

  /**
   * One setting's measures.
   *
   * @param setting the setting
   * @param coldStart whether the cold-start stage ran before the re-ranker
   * @param users cases measured
   * @param ndcg mean NDCG@K
   * @param recall mean Recall@K
   * @param ild mean ILD over the lists of at least two items (NaN when there is none)
   * @param distinct per grouping of the report, the mean number of distinct groups per non-empty
   *     list
   * @param coverage share of the catalogue in at least one list
   * @param newShare share of served slots that hold a new item (NaN without new items)
   * @param coldUsers cases whose target is a new item
   * @param coldRecall mean Recall@K over those cases (NaN when there are none)
   * @param coldNdcg mean NDCG@K over those cases (NaN when there are none)
   * @param relaxed slots where the re-ranker had to relax a rule (the cold-start share)
   */
  public record Row(Setting setting, boolean coldStart, int users, double ndcg, double recall,
      double ild, double[] distinct, double coverage, double newShare, int coldUsers,
      double coldRecall, double coldNdcg, long relaxed) {
    public Row {
      distinct = distinct.clone();
    }

    @Override
    public double[] distinct() {
      return distinct.clone();
    }
  }

  /**
   * A sweep's result.
   *
   * @param k the list length measured
   * @param users cases
   * @param candidateRecall share of cases whose target is among the candidates (the ceiling of
   *     Recall@K for every setting)
   * @param meanCandidates mean candidate-list length
   * @param groupings names of the groupings, in the order of {@link Row#distinct()}
   * @param newItems how many catalogue items are new (0 without new items)
   * @param listsWithNew share of candidate lists holding at least one new item (NaN without)
   * @param coldStart the cold-start stage, as it reads in a table (null without one)
   * @param rows one per setting (and per cold-start variant), settings in grid order, each
   *     setting's row without the cold-start stage first
   * @param seconds wall time of the re-ranking
   */
  public record Report(int k, int users, double candidateRecall, double meanCandidates,
      List<String> groupings, int newItems, double listsWithNew, String coldStart, List<Row> rows,
      double seconds) {
    public Report {
      groupings = List.copyOf(groupings);
      rows = List.copyOf(rows);
    }

    /** Whether the rows include the cold-start stage's. */
    public boolean coldRows() {
      return rows.stream().anyMatch(Row::coldStart);
    }

    /** The CSV header for this report's groupings. */
    public String csvHeader() {
      StringBuilder sb = new StringBuilder("source,split,method,theta,window,cold_start,k,users,"
          + "ndcg,recall,ild");
      for (String g : groupings) {
        sb.append(',').append(g).append("_distinct");
      }
      return sb.append(",coverage,new_share,cold_users,cold_recall,cold_ndcg,relaxed_slots")
          .toString();
    }

    /** The header and one line per row; {@code source} and {@code split} fill the first columns. */
    public String csv(String source, String split) {
      StringBuilder sb = new StringBuilder(csvHeader()).append('\n');
      for (Row r : rows) {
        Setting s = r.setting();
        sb.append(String.format(Locale.ROOT, "%s,%s,%s,%s,%d,%s,%d,%d,%s,%s,%s", source, split,
            s.method().label(), s.theta(), s.window(), r.coldStart(), k, r.users(), num(r.ndcg()),
            num(r.recall()), num(r.ild())));
        for (double d : r.distinct()) {
          sb.append(',').append(num(d));
        }
        sb.append(String.format(Locale.ROOT, ",%s,%s,%d,%s,%s,%d%n", num(r.coverage()),
            num(r.newShare()), r.coldUsers(), num(r.coldRecall()), num(r.coldNdcg()),
            r.relaxed()));
      }
      return sb.toString();
    }

    private static String num(double v) {
      return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
    }

    /** The rows as a fixed-width table. */
    public String table() {
      boolean fresh = newItems > 0;
      StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-22s %-5s %8s %8s %6s",
          "setting", "cold", "NDCG@" + k, "Recall@" + k, "ILD"));
      for (String g : groupings) {
        sb.append(String.format(Locale.ROOT, " %8s", g));
      }
      sb.append(String.format(Locale.ROOT, " %8s", "cover@" + k));
      if (fresh) {
        sb.append(String.format(Locale.ROOT, " %7s %10s", "new%", "coldRec@" + k));
      }
      sb.append('\n');
      for (Row r : rows) {
        sb.append(String.format(Locale.ROOT, "%-22s %-5s %8.4f %8.4f %6.3f", r.setting().label(),
            r.coldStart() ? "yes" : "no", r.ndcg(), r.recall(), r.ild()));
        for (double d : r.distinct()) {
          sb.append(String.format(Locale.ROOT, " %8.2f", d));
        }
        sb.append(String.format(Locale.ROOT, " %8.4f", r.coverage()));
        if (fresh) {
          sb.append(String.format(Locale.ROOT, " %6.2f%% %10.4f", 100 * r.newShare(),
              r.coldRecall()));
        }
        sb.append('\n');
      }
      return sb.toString();
    }

    /** The row of {@code setting} with or without the cold-start stage, or null. */
    public Row row(Setting setting, boolean coldStart) {
      for (Row r : rows) {
        if (r.setting().equals(setting) && r.coldStart() == coldStart) {
          return r;
        }
      }
      return null;
    }
  }

  private final List<String> itemIds;
  private final SimilaritySource similarity;
  private final SimilaritySource diversity;
  private final Map<String, int[]> groupings;
  private final boolean[] newItems;
  private final int share;
  private final double boost;
  private final int cap;
  private final boolean coldStart;
  private final DppScores dppScores;
  private final int k;
  private final int threads;

  private RerankSweep(Builder b) {
    this.itemIds = b.itemIds;
    this.similarity = b.similarity;
    this.diversity = b.diversity != null ? b.diversity : b.similarity;
    this.groupings = new LinkedHashMap<>(b.groupings);
    this.newItems = b.newItems;
    this.share = b.share;
    this.boost = b.boost;
    this.cap = b.cap;
    this.coldStart = b.coldStart;
    this.dppScores = b.dppScores;
    this.k = b.k;
    this.threads = b.threads;
  }

  /** Per-task totals, summed over the cases in order. */
  private static final class Totals {
    double ndcg;
    double recall;
    double ild;
    long ildLists;
    final double[] distinct;
    long nonEmpty;
    final BitSet covered = new BitSet();
    long slots;
    long newSlots;
    double coldRecall;
    double coldNdcg;
    long relaxed;

    Totals(int groupings) {
      distinct = new double[groupings];
    }
  }

  /**
   * Re-ranks every case under every setting and measures the lists.
   *
   * @param progress advanced once per case per task: settings × cases, twice that with the
   *     cold-start stage when a candidate list holds a new item
   * @throws IllegalArgumentException if a case names an item outside the catalogue, or the
   *     similarity knows nothing of a candidate
   */
  public Report run(List<Case> cases, List<Setting> settings, Progress progress) {
    if (settings.isEmpty()) {
      throw new IllegalArgumentException("no settings to measure");
    }
    int numItems = itemIds.size();
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      for (int item : c.items()) {
        if (item < 0 || item >= numItems) {
          throw new IllegalArgumentException("case " + i + ": item " + item + " is not in the "
              + "catalogue of " + numItems);
        }
      }
      if (c.target() < 0 || c.target() >= numItems) {
        throw new IllegalArgumentException("case " + i + ": target " + c.target() + " is not in "
            + "the catalogue of " + numItems);
      }
    }
    long start = System.nanoTime();
    int hits = 0;
    long candidates = 0;
    int withNew = 0;
    for (Case c : cases) {
      hits += c.hit() ? 1 : 0;
      candidates += c.items().length;
      if (newItems != null) {
        for (int item : c.items()) {
          if (newItems[item]) {
            withNew++;
            break;
          }
        }
      }
    }
    // with no new candidate anywhere the stage changes no list: its rows would be copies
    boolean coldRows = coldStart && withNew > 0;
    List<Setting> taskSettings = new ArrayList<>();
    List<Boolean> taskCold = new ArrayList<>();
    for (Setting s : settings) {
      taskSettings.add(s);
      taskCold.add(false);
      if (coldRows) {
        taskSettings.add(s);
        taskCold.add(true);
      }
    }
    Row[] rows = new Row[taskSettings.size()];
    parallel(threads, rows.length,
        t -> rows[t] = measure(cases, taskSettings.get(t), taskCold.get(t), progress));
    int n = cases.size();
    int fresh = 0;
    if (newItems != null) {
      for (boolean f : newItems) {
        fresh += f ? 1 : 0;
      }
    }
    String cs = coldStart ? String.format(Locale.ROOT, "boost %s, one new item in every %d "
        + "slots, at most %d showings per item", boost, share, cap) : null;
    return new Report(k, n, n == 0 ? 0 : (double) hits / n, n == 0 ? 0 : (double) candidates / n,
        List.copyOf(groupings.keySet()), fresh,
        newItems == null ? Double.NaN : n == 0 ? 0 : (double) withNew / n, cs, List.of(rows),
        (System.nanoTime() - start) / 1e9);
  }

  private Row measure(List<Case> cases, Setting setting, boolean cold, Progress progress) {
    Reranker reranker = setting.reranker();
    RerankPipeline.Builder pb = RerankPipeline.builder().setReranker(reranker);
    if (cold) {
      FreshItems fresh = new FreshItems(null);
      for (int i = 0; i < newItems.length; i++) {
        if (newItems[i]) {
          fresh.added(itemIds.get(i), Instant.EPOCH);
        }
      }
      pb.optColdStart(ColdStart.builder().setFreshItems(fresh)
          .setExposureCounts(new ItemExposureCounts(Math.max(1, fresh.size())))
          .optBoost(boost).optShare(share).optCap(cap)
          .optClock(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC)).build());
    }
    RerankPipeline pipeline = pb.build();
    boolean needsSimilarity = setting.method() != Method.SCORE;
    Totals t = new Totals(groupings.size());
    int coldUsers = 0;
    int pending = 0;
    for (Case c : cases) {
      int[] items = c.items();
      List<String> ids = new ArrayList<>(items.length);
      for (int item : items) {
        ids.add(itemIds.get(item));
      }
      double[] scores = c.scores();
      if (setting.method() == Method.DPP && dppScores == DppScores.MIN_MAX) {
        scores = minMax(scores);
      }
      Candidates.Builder cb = Candidates.builder().setIds(ids).setScores(scores);
      if (needsSimilarity && !ids.isEmpty()) {
        cb.optSimilarity(similarity.over(ids));
      }
      RerankResult result = items.length == 0 ? null : pipeline.rerank(cb.build(), k);
      int[] order = result == null ? new int[0] : result.order();
      int[] slate = new int[order.length];
      int rank = Integer.MAX_VALUE; // a target outside the slate: a miss at every K
      for (int s = 0; s < order.length; s++) {
        slate[s] = items[order[s]];
        if (slate[s] == c.target()) {
          rank = s;
        }
      }
      if (result != null) {
        // the share rule is the only rule: a relaxed slot is one it could not fill
        t.relaxed += result.relaxedRules();
      }
      double gain = RankingMetrics.ndcg(rank, k);
      double hit = RankingMetrics.recall(rank, k);
      t.ndcg += gain;
      t.recall += hit;
      boolean coldTarget = newItems != null && newItems[c.target()];
      if (coldTarget) {
        coldUsers++;
        t.coldNdcg += gain;
        t.coldRecall += hit;
      }
      if (slate.length >= 2) {
        List<String> slateIds = new ArrayList<>(slate.length);
        for (int item : slate) {
          slateIds.add(itemIds.get(item));
        }
        t.ild += ListDiversity.ild(diversity.over(slateIds));
        t.ildLists++;
      }
      if (slate.length > 0) {
        t.nonEmpty++;
        int g = 0;
        for (int[] groupOf : groupings.values()) {
          t.distinct[g++] += ListDiversity.distinct(groupOf, slate);
        }
      }
      for (int item : slate) {
        t.covered.set(item);
        t.slots++;
        t.newSlots += newItems != null && newItems[item] ? 1 : 0;
      }
      if (++pending == 64) {
        progress.advance(pending);
        pending = 0;
      }
    }
    progress.advance(pending);
    int n = cases.size();
    double[] distinct = t.distinct.clone();
    for (int g = 0; g < distinct.length; g++) {
      distinct[g] = t.nonEmpty == 0 ? Double.NaN : distinct[g] / t.nonEmpty;
    }
    return new Row(setting, cold, n, n == 0 ? 0 : t.ndcg / n, n == 0 ? 0 : t.recall / n,
        t.ildLists == 0 ? Double.NaN : t.ild / t.ildLists, distinct,
        (double) t.covered.cardinality() / itemIds.size(),
        newItems == null ? Double.NaN : t.slots == 0 ? 0 : (double) t.newSlots / t.slots,
        coldUsers, coldUsers == 0 ? Double.NaN : t.coldRecall / coldUsers,
        coldUsers == 0 ? Double.NaN : t.coldNdcg / coldUsers, t.relaxed);
  }

  private static double[] minMax(double[] s) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double v : s) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    double[] r = new double[s.length];
    for (int i = 0; i < s.length; i++) {
      r[i] = hi > lo ? (s[i] - lo) / (hi - lo) : 1.0;
    }
    return r;
  }

  /** Runs {@code body(i)} for i in [0, n) on {@code threads} threads; rethrows the first failure. */
  private static void parallel(int threads, int n, java.util.function.IntConsumer body) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads=" + threads + " must be >= 1");
    }
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, Math.max(1, n)), r -> {
      Thread th = new Thread(r, "genrec-rerank-sweep");
      th.setDaemon(true);
      return th;
    });
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int w = 0; w < Math.min(threads, Math.max(1, n)); w++) {
        fs.add(pool.submit(() -> {
          int i;
          while ((i = next.getAndIncrement()) < n) {
            body.accept(i);
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("re-ranking sweep interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("re-ranking sweep failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link RerankSweep}: the item ids and the similarity are required. */
  public static final class Builder {
    private List<String> itemIds;
    private SimilaritySource similarity;
    private SimilaritySource diversity;
    private final Map<String, int[]> groupings = new LinkedHashMap<>();
    private boolean[] newItems;
    private boolean coldStart;
    private int share;
    private double boost;
    private int cap = ColdStart.DEFAULT_CAP;
    private DppScores dppScores = DppScores.MIN_MAX;
    private int k = 10;
    private int threads = 1;

    private Builder() {}

    /** The catalogue's item ids: item index i is {@code itemIds.get(i)}. */
    public Builder setItemIds(List<String> itemIds) {
      this.itemIds = List.copyOf(itemIds);
      return this;
    }

    /** The similarity MMR and DPP re-rank with. */
    public Builder setSimilarity(SimilaritySource similarity) {
      this.similarity = similarity;
      return this;
    }

    /** The similarity ILD is measured with (default: the re-ranking one). */
    public Builder optDiversity(SimilaritySource diversity) {
      this.diversity = diversity;
      return this;
    }

    /**
     * A grouping of the catalogue whose distinct groups per list are counted: {@code groupOf[i]}
     * is item i's group (>= 0), or negative for none.
     */
    public Builder optGrouping(String name, int[] groupOf) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("grouping name is empty");
      }
      groupings.put(name, groupOf.clone());
      return this;
    }

    /** Which catalogue items are new: their share of slots and the cold-target recall. */
    public Builder optNewItems(boolean[] newItems) {
      this.newItems = newItems == null ? null : newItems.clone();
      return this;
    }

    /**
     * Also measure every setting with the {@link ColdStart} stage over the new items.
     *
     * @param share one slot in every {@code share} for new items (0: no guaranteed share)
     * @param boost added to a new item's score (score units)
     * @param cap showings after which a new item is no longer boosted
     */
    public Builder optColdStart(int share, double boost, int cap) {
      this.coldStart = true;
      this.share = share;
      this.boost = boost;
      this.cap = cap;
      return this;
    }

    /** How DPP reads the scores (default {@link DppScores#MIN_MAX}). */
    public Builder optDppScores(DppScores dppScores) {
      this.dppScores = dppScores;
      return this;
    }

    /** The list length measured (default 10). */
    public Builder optK(int k) {
      this.k = k;
      return this;
    }

    /** Worker threads (default 1). */
    public Builder optThreads(int threads) {
      this.threads = threads;
      return this;
    }

    public RerankSweep build() {
      if (itemIds == null || itemIds.isEmpty()) {
        throw new IllegalArgumentException("item ids are required");
      }
      if (similarity == null) {
        throw new IllegalArgumentException("similarity is required");
      }
      if (k < 1) {
        throw new IllegalArgumentException("k=" + k + " must be >= 1");
      }
      if (threads < 1) {
        throw new IllegalArgumentException("threads=" + threads + " must be >= 1");
      }
      if (dppScores == null) {
        throw new IllegalArgumentException("dppScores is null");
      }
      for (Map.Entry<String, int[]> g : groupings.entrySet()) {
        if (g.getValue().length != itemIds.size()) {
          throw new IllegalArgumentException("grouping '" + g.getKey() + "' has "
              + g.getValue().length + " values for " + itemIds.size() + " items");
        }
      }
      if (newItems != null && newItems.length != itemIds.size()) {
        throw new IllegalArgumentException("new items has " + newItems.length + " flags for "
            + itemIds.size() + " items");
      }
      if (coldStart) {
        if (newItems == null) {
          throw new IllegalArgumentException("the cold-start stage needs the new items "
              + "(optNewItems)");
        }
        // the stage validates its own parameters
        ColdStart.builder().setFreshItems(new FreshItems(null))
            .setExposureCounts(new ItemExposureCounts()).optBoost(boost).optShare(share)
            .optCap(cap).build();
      }
      return new RerankSweep(this);
    }
  }
}
