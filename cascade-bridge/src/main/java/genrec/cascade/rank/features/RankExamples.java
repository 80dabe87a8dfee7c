package genrec.cascade.rank.features;

import genrec.cascade.recall.CandidateChannel;
import genrec.cascade.recall.CandidateMerger;
import genrec.cascade.recall.ChannelCandidates;
import genrec.cascade.recall.MergedCandidates;
import genrec.core.io.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ranker training and validation examples: for each case (a history and its next item), the
 * merged candidates the channels return for that history, each a row with the case's labels
 * where the candidate is the next item and 0 elsewhere. The ranker so learns on the lists it
 * will rank when serving: the channels' own candidates, not sampled negatives.
 *
 * <p>A case whose next item none of the channels returned has no positive row: {@link
 * #build} drops it when {@code keepUnreached} is false (a training set), and counts it either
 * way ({@link #reached()}). {@code maxNegatives} keeps a seeded random subset of each case's
 * negative rows (0 = all).
 */
public final class RankExamples {
  private final List<String> tasks;
  private final List<RankFeatures.Query> queries;
  private final List<float[]> labels;
  private final int cases;
  private final int reached;
  private final long rows;

  private RankExamples(List<String> tasks, List<RankFeatures.Query> queries,
      List<float[]> labels, int cases, int reached) {
    this.tasks = List.copyOf(tasks);
    this.queries = List.copyOf(queries);
    this.labels = List.copyOf(labels);
    this.cases = cases;
    this.reached = reached;
    long r = 0;
    for (RankFeatures.Query q : queries) {
      r += q.size();
    }
    this.rows = r;
  }

  /**
   * One case: a history, its next item and that item's label per task (e.g. {@code [1]} for
   * "is the next item", or {@code [1, liked, tagged]} on MovieLens).
   */
  public record Case(int[] history, int target, float[] targetLabels) {
    public Case {
      Objects.requireNonNull(history, "history");
      Objects.requireNonNull(targetLabels, "targetLabels");
    }
  }

  /**
   * Builds the examples of {@code cases} in parallel (deterministic for the seed: each case
   * draws its negatives from its own seeded generator).
   */
  public static RankExamples build(List<CandidateChannel> channels, CandidateMerger merger,
      RankFeatures features, List<String> tasks, List<Case> cases, boolean keepUnreached,
      int maxNegatives, long seed, int threads, Progress progress) {
    if (maxNegatives < 0) {
      throw new IllegalArgumentException("maxNegatives=" + maxNegatives + " must be >= 0");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads=" + threads + " must be >= 1");
    }
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("tasks: name at least one task");
    }
    for (Case c : cases) {
      if (c.targetLabels().length != tasks.size()) {
        throw new IllegalArgumentException("a case has " + c.targetLabels().length
            + " labels for " + tasks.size() + " tasks");
      }
    }
    Candidates source = new Candidates(channels, merger);
    RankFeatures.Query[] q = new RankFeatures.Query[cases.size()];
    float[][] l = new float[cases.size()][];
    boolean[] hit = new boolean[cases.size()];
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "rank-examples");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> jobs = new ArrayList<>();
      for (int w = 0; w < threads; w++) {
        jobs.add(pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < cases.size(); i = next.getAndIncrement()) {
            Case c = cases.get(i);
            MergedCandidates m = source.merged(c.history());
            hit[i] = m.contains(c.target());
            if (hit[i] || keepUnreached) {
              RankFeatures.Query full = features.query(c.history(), m);
              Random rnd = new Random(seed * 1_000_003L + i);
              int[] keep = keep(full.items(), c.target(), maxNegatives, rnd);
              q[i] = select(full, keep, features.numDense());
              l[i] = labels(q[i].items(), c, tasks.size());
            }
            progress.advance(1);
          }
          return null;
        }));
      }
      for (Future<?> f : jobs) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while building ranker examples", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
    List<RankFeatures.Query> qs = new ArrayList<>();
    List<float[]> ls = new ArrayList<>();
    int reached = 0;
    for (int i = 0; i < q.length; i++) {
      if (hit[i]) {
        reached++;
      }
      if (q[i] != null) {
        qs.add(q[i]);
        ls.add(l[i]);
      }
    }
    return new RankExamples(tasks, qs, ls, cases.size(), reached);
  }

  /** Row indices kept: the target's and up to {@code maxNegatives} others (0 = all). */
  private static int[] keep(int[] items, int target, int maxNegatives, Random rnd) {
    if (maxNegatives == 0 || items.length - 1 <= maxNegatives) {
      int[] all = new int[items.length];
      for (int r = 0; r < all.length; r++) {
        all[r] = r;
      }
      return all;
    }
    List<Integer> neg = new ArrayList<>();
    int pos = -1;
    for (int r = 0; r < items.length; r++) {
      if (items[r] == target) {
        pos = r;
      } else {
        neg.add(r);
      }
    }
    java.util.Collections.shuffle(neg, rnd);
    List<Integer> kept = new ArrayList<>(neg.subList(0, maxNegatives));
    if (pos >= 0) {
      kept.add(pos);
    }
    kept.sort(null);
    return kept.stream().mapToInt(Integer::intValue).toArray();
  }

  private static RankFeatures.Query select(RankFeatures.Query q, int[] rows, int f) {
    if (rows.length == q.size()) {
      return q;
    }
    int[] items = new int[rows.length];
    float[] dense = new float[rows.length * f];
    int[] item = new int[rows.length];
    int[] codes = new int[rows.length * 3];
    for (int k = 0; k < rows.length; k++) {
      int r = rows[k];
      items[k] = q.items()[r];
      System.arraycopy(q.dense(), r * f, dense, k * f, f);
      item[k] = q.item()[r];
      System.arraycopy(q.codes(), r * 3, codes, k * 3, 3);
    }
    return new RankFeatures.Query(items, dense, item, codes, q.histItem(), q.histCodes());
  }

  private static float[] labels(int[] items, Case c, int t) {
    float[] out = new float[items.length * t];
    for (int r = 0; r < items.length; r++) {
      if (items[r] == c.target()) {
        System.arraycopy(c.targetLabels(), 0, out, r * t, t);
      }
    }
    return out;
  }

  public List<String> tasks() {
    return tasks;
  }

  /** The kept cases' inputs, one query per case. */
  public List<RankFeatures.Query> queries() {
    return queries;
  }

  /** Per query, (rows × T) labels, row-major. */
  public List<float[]> labels() {
    return labels;
  }

  /** Cases given to {@link #build}. */
  public int cases() {
    return cases;
  }

  /** Cases whose next item is in the merged list. */
  public int reached() {
    return reached;
  }

  /** Rows over all kept queries. */
  public long rows() {
    return rows;
  }

  /** The examples as the ranker's columns: one group per query, every label known. */
  public RankRows rows(int numTasks) {
    if (numTasks != tasks.size()) {
      throw new IllegalArgumentException("numTasks=" + numTasks + ", the examples have "
          + tasks.size() + " tasks");
    }
    if (rows > Integer.MAX_VALUE / 64) {
      throw new IllegalArgumentException(rows + " rows are too many for one set: sample users "
          + "or negatives");
    }
    int n = (int) rows;
    int g = queries.size();
    int f = queries.isEmpty() ? 0 : queries.get(0).dense().length / Math.max(1, queries.get(0).size());
    int l = queries.isEmpty() ? 1 : queries.get(0).histItem().length;
    float[] dense = new float[n * f];
    int[] item = new int[n];
    int[] codes = new int[n * 3];
    int[] group = new int[n];
    int[] histItem = new int[g * l];
    int[] histCodes = new int[g * l * 3];
    float[] lab = new float[n * numTasks];
    float[] mask = new float[n * numTasks];
    java.util.Arrays.fill(mask, 1f);
    int r = 0;
    for (int q = 0; q < g; q++) {
      RankFeatures.Query query = queries.get(q);
      int k = query.size();
      System.arraycopy(query.dense(), 0, dense, r * f, k * f);
      System.arraycopy(query.item(), 0, item, r, k);
      System.arraycopy(query.codes(), 0, codes, r * 3, k * 3);
      java.util.Arrays.fill(group, r, r + k, q);
      System.arraycopy(query.histItem(), 0, histItem, q * l, l);
      System.arraycopy(query.histCodes(), 0, histCodes, q * l * 3, l * 3);
      System.arraycopy(this.labels.get(q), 0, lab, r * numTasks, k * numTasks);
      r += k;
    }
    return new RankRows(f, l, numTasks, dense, item, codes, group, histItem, histCodes, lab,
        mask);
  }

  /** One query as the ranker's columns (one group, no labels): what serving scores. */
  public static RankRows rows(RankFeatures.Query query, int numTasks) {
    int k = query.size();
    int f = k == 0 ? 0 : query.dense().length / k;
    return new RankRows(f, query.histItem().length, numTasks, query.dense(), query.item(),
        query.codes(), new int[k], query.histItem(), query.histCodes(), null, null);
  }

  /**
   * The channels' candidates for one history, merged: each channel is asked for the merger's
   * capacity so it can fill its quota after the items earlier channels took.
   */
  public static final class Candidates {
    private final List<CandidateChannel> channels;
    private final CandidateMerger merger;

    public Candidates(List<CandidateChannel> channels, CandidateMerger merger) {
      this.channels = List.copyOf(channels);
      this.merger = Objects.requireNonNull(merger, "merger");
      for (String name : merger.channels()) {
        if (this.channels.stream().noneMatch(c -> c.name().equals(name))) {
          throw new IllegalArgumentException("the merger names channel '" + name
              + "' but no such channel was given");
        }
      }
    }

    public CandidateMerger merger() {
      return merger;
    }

    /** The merged list of {@code history}. */
    public MergedCandidates merged(int[] history) {
      List<ChannelCandidates> lists = new ArrayList<>(merger.channels().size());
      int fetch = Math.max(1, merger.capacity());
      for (String name : merger.channels()) {
        for (CandidateChannel c : channels) {
          if (c.name().equals(name)) {
            lists.add(c.candidates(history, fetch));
            break;
          }
        }
      }
      return merger.merge(history, lists);
    }
  }
}
