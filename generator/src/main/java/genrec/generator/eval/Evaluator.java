package genrec.generator.eval;

import genrec.core.io.Progress;
import genrec.generator.data.LeaveOneOutSplit.EvalCase;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Full-ranking evaluation: every case's target is ranked against the whole catalogue (the
 * S3-Rec / TIGER protocol). Work is spread over threads; per-case values are summed in case
 * order, so results do not depend on the thread count.
 */
public final class Evaluator {
  private final int[] ks;
  private final int threads;

  /**
   * @param ks cut-offs, e.g. {5, 10}
   * @param threads worker threads (at least 1)
   */
  public Evaluator(int[] ks, int threads) {
    if (ks.length == 0) {
      throw new IllegalArgumentException("need at least one cut-off K");
    }
    for (int k : ks) {
      if (k < 1) {
        throw new IllegalArgumentException("cut-off K=" + k + " must be >= 1");
      }
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads=" + threads + " must be >= 1");
    }
    this.ks = ks.clone();
    java.util.Arrays.sort(this.ks);
    this.threads = threads;
  }

  /** Cut-offs 5 and 10 on all available processors. */
  public static Evaluator standard() {
    return new Evaluator(new int[] {5, 10}, Runtime.getRuntime().availableProcessors());
  }

  public EvalReport evaluate(Recommender model, List<EvalCase> cases, String split, Progress progress) {
    long start = System.nanoTime();
    int n = cases.size();
    int maxK = ks[ks.length - 1];
    int[] ranks = new int[n];
    int[][] tops = new int[n][];
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "genrec-eval");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int w = 0; w < threads; w++) {
        fs.add(pool.submit(() -> {
          float[] scores = new float[model.numItems()];
          int i;
          while ((i = next.getAndIncrement()) < n) {
            EvalCase c = cases.get(i);
            java.util.Arrays.fill(scores, 0f);
            model.score(c.history(), scores);
            ranks[i] = RankingMetrics.rank(scores, c.target());
            tops[i] = RankingMetrics.topK(scores, maxK);
            progress.advance(1);
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("evaluation interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("evaluation failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
    double[] recall = new double[ks.length];
    double[] ndcg = new double[ks.length];
    double[] coverage = new double[ks.length];
    for (int j = 0; j < ks.length; j++) {
      BitSet covered = new BitSet(model.numItems());
      for (int i = 0; i < n; i++) {
        recall[j] += RankingMetrics.recall(ranks[i], ks[j]);
        ndcg[j] += RankingMetrics.ndcg(ranks[i], ks[j]);
        int[] t = tops[i];
        for (int r = 0; r < Math.min(ks[j], t.length); r++) {
          covered.set(t[r]);
        }
      }
      recall[j] = n == 0 ? 0 : recall[j] / n;
      ndcg[j] = n == 0 ? 0 : ndcg[j] / n;
      coverage[j] = model.numItems() == 0 ? 0 : (double) covered.cardinality() / model.numItems();
    }
    return new EvalReport(model.name(), split, n, ks.clone(), recall, ndcg, coverage,
        (System.nanoTime() - start) / 1e9);
  }
}
