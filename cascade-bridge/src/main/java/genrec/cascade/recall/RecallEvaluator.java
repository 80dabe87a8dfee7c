package genrec.cascade.recall;

import genrec.core.io.Progress;
import genrec.generator.data.LeaveOneOutSplit.EvalCase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

/**
 * Candidate recall under the leave-one-out protocol of {@code genrec eval}: for every held-out
 * case each channel returns its list for the case's history, and the report counts how often
 * the target is among
 *
 * <ul>
 *   <li>a channel's first N (Recall@N), and only there, in no other channel's first N
 *       (exclusive@N);
 *   <li>the union of all channels' first N;
 *   <li>the merged list under the {@link CandidateMerger}'s quotas (optional).
 * </ul>
 *
 * Each channel is asked once per case for {@code max(max N, merger capacity)} candidates: the
 * capacity (sum of quotas) is enough for every channel to fill its quota after the items earlier
 * channels admitted. A target the history already holds is a miss for every list (channels
 * never return history items). Cases are spread over threads; totals are summed in case order,
 * so the report does not depend on the thread count.
 */
public final class RecallEvaluator {
  private final int[] ns;
  private final int threads;

  /**
   * @param ns list lengths N, e.g. {50, 100, 200}
   * @param threads worker threads (at least 1)
   */
  public RecallEvaluator(int[] ns, int threads) {
    if (ns.length == 0) {
      throw new IllegalArgumentException("need at least one list length N");
    }
    int[] sorted = ns.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      if (sorted[i] < 1) {
        throw new IllegalArgumentException("N=" + sorted[i] + " must be >= 1");
      }
      if (i > 0 && sorted[i] == sorted[i - 1]) {
        throw new IllegalArgumentException("N=" + sorted[i] + " is given twice");
      }
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads=" + threads + " must be >= 1");
    }
    this.ns = sorted;
    this.threads = threads;
  }

  /** What one case found: each channel's rank of the target (0 = absent) and list size. */
  private record CaseResult(int[] ranks, int[] sizes, int[] unionSizes, boolean mergedHit,
      int mergedSize) {}

  /**
   * @param channels the channels, distinct names
   * @param merger quotas over some or all of the channels, or null for no merged list
   * @param split the split's name for the report
   */
  public RecallReport evaluate(List<CandidateChannel> channels, CandidateMerger merger,
      List<EvalCase> cases, String split, Progress progress) {
    long start = System.nanoTime();
    List<String> names = new ArrayList<>();
    for (CandidateChannel ch : channels) {
      if (names.contains(ch.name())) {
        throw new IllegalArgumentException("channel '" + ch.name() + "' is listed twice");
      }
      names.add(ch.name());
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException("no channels to evaluate");
    }
    if (merger != null) {
      for (String m : merger.channels()) {
        if (!names.contains(m)) {
          throw new IllegalArgumentException("quota for channel '" + m + "', which is not "
              + "evaluated (channels: " + names + ")");
        }
      }
    }
    int fetch = Math.max(ns[ns.length - 1], merger == null ? 0 : merger.capacity());
    CaseResult[] results = new CaseResult[cases.size()];
    // the first failure is rethrown as it is (a pool would wrap it in a copy naming its class)
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    ForkJoinPool pool = new ForkJoinPool(threads);
    try {
      pool.submit(() -> IntStream.range(0, cases.size()).parallel().forEach(i -> {
        if (failure.get() == null) {
          try {
            results[i] = evaluateCase(channels, merger, cases.get(i), fetch);
            progress.advance(1);
          } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
          }
        }
      })).join();
    } finally {
      pool.shutdownNow();
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    return report(names, merger, results, split, (System.nanoTime() - start) / 1e9);
  }

  private CaseResult evaluateCase(List<CandidateChannel> channels, CandidateMerger merger,
      EvalCase c, int fetch) {
    int nc = channels.size();
    int[] ranks = new int[nc];
    int[] sizes = new int[nc];
    List<ChannelCandidates> lists = new ArrayList<>(nc);
    for (int k = 0; k < nc; k++) {
      ChannelCandidates l = channels.get(k).candidates(c.history(), fetch);
      if (l.size() > fetch || !l.channel().equals(channels.get(k).name())) {
        throw new IllegalStateException("channel '" + channels.get(k).name() + "' returned "
            + l.size() + " candidates tagged '" + l.channel() + "' when asked for " + fetch);
      }
      lists.add(l);
      ranks[k] = l.rankOf(c.target());
      sizes[k] = l.size();
    }
    int[] unionSizes = new int[ns.length];
    Set<Integer> union = new HashSet<>();
    for (int j = 0; j < ns.length; j++) {
      for (ChannelCandidates l : lists) {
        for (int r = j == 0 ? 0 : ns[j - 1]; r < Math.min(ns[j], l.size()); r++) {
          union.add(l.candidates().get(r).item());
        }
      }
      unionSizes[j] = union.size();
    }
    boolean hit = false;
    int mergedSize = 0;
    if (merger != null) {
      List<ChannelCandidates> mine = new ArrayList<>();
      for (ChannelCandidates l : lists) {
        if (merger.channels().contains(l.channel())) {
          mine.add(l);
        }
      }
      MergedCandidates m = merger.merge(c.history(), mine);
      hit = m.contains(c.target());
      mergedSize = m.size();
    }
    return new CaseResult(ranks, sizes, unionSizes, hit, mergedSize);
  }

  private RecallReport report(List<String> names, CandidateMerger merger, CaseResult[] results,
      String split, double seconds) {
    int nc = names.size();
    int nj = ns.length;
    double[][] recall = new double[nc][nj];
    double[][] exclusive = new double[nc][nj];
    double[][] size = new double[nc][nj];
    double[] unionRecall = new double[nj];
    double[] unionSize = new double[nj];
    double mergedRecall = 0;
    double mergedSize = 0;
    for (CaseResult r : results) {
      for (int j = 0; j < nj; j++) {
        int found = 0;
        int by = -1;
        for (int k = 0; k < nc; k++) {
          size[k][j] += Math.min(ns[j], r.sizes()[k]);
          if (r.ranks()[k] > 0 && r.ranks()[k] <= ns[j]) {
            recall[k][j]++;
            found++;
            by = k;
          }
        }
        if (found == 1) {
          exclusive[by][j]++;
        }
        if (found > 0) {
          unionRecall[j]++;
        }
        unionSize[j] += r.unionSizes()[j];
      }
      mergedRecall += r.mergedHit() ? 1 : 0;
      mergedSize += r.mergedSize();
    }
    int n = results.length;
    double div = Math.max(n, 1);
    for (int j = 0; j < nj; j++) {
      for (int k = 0; k < nc; k++) {
        recall[k][j] /= div;
        exclusive[k][j] /= div;
        size[k][j] /= div;
      }
      unionRecall[j] /= div;
      unionSize[j] /= div;
    }
    RecallReport.Merged merged = merger == null ? null
        : new RecallReport.Merged(merger.describe(), merger.capacity(), mergedRecall / div,
            mergedSize / div);
    return new RecallReport(split, n, ns.clone(), names, recall, exclusive, size, unionRecall,
        unionSize, merged, seconds);
  }
}
