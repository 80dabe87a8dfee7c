package genrec.serving.bench;

import genrec.generator.decode.BeamSearch;
import genrec.generator.decode.PrefixTrie;
import genrec.generator.train.GeneratorModel;
import genrec.serving.http.ModelFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The histories an HTTP load sends, through the run's generator in this process (constrained beam
 * search, history excluded), for the HTTP / in-process throughput ratio. The clock starts once
 * every thread has finished one (slow, first) call, plus the warm-up.
 */
public final class InProcessLoad {
  /**
   * Users decoded per second in process.
   *
   * @param threads threads, each searching {@code batch} users per call
   * @param users users decoded in the measured window
   * @param seconds the measured window
   * @param usersPerSecond {@code users / seconds}, NaN when none finished
   */
  public record Result(int threads, int batch, int beam, int topK, long users, double seconds,
      double usersPerSecond) {}

  private InProcessLoad() {}

  /**
   * Runs beam search over {@code histories}, round and round, from {@code threads} threads.
   *
   * @param codes the semantic ID of every item (the run's quantizer)
   * @throws Exception what a search threw
   */
  public static Result run(Path runDir, int[][] codes, int[][] histories, int k, int beam,
      int threads, int batch, double warmupSeconds, double seconds) throws Exception {
    if (threads < 1 || batch < 1 || k < 1 || beam < 1 || histories.length == 0) {
      throw new IllegalArgumentException("threads=" + threads + ", batch=" + batch + ", k=" + k
          + ", beam=" + beam + ", histories=" + histories.length + ": each must be >= 1");
    }
    try (GeneratorModel model = ModelFiles.loadGenerator(runDir, codes)) {
      PrefixTrie trie = PrefixTrie.of(codes, model.config().codebookSize());
      BeamSearch search = model.beamSearch(trie).optBeamWidth(beam).optExcludeHistory(true)
          .build();
      int topK = Math.min(k, codes.length);
      CountDownLatch warm = new CountDownLatch(threads);
      long[] window = new long[2]; // measure from, end; written before warm.await() returns
      AtomicLong next = new AtomicLong();
      AtomicLong users = new AtomicLong();
      ExecutorService pool = Executors.newFixedThreadPool(threads,
          BenchStats.daemon("bench-in-process"));
      try {
        List<Future<?>> jobs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          jobs.add(pool.submit(() -> {
            try {
              search.search(new int[][] {histories[0]}, null, topK);
            } finally { // also on failure, so the other threads do not wait forever
              synchronized (window) {
                warm.countDown();
                if (warm.getCount() == 0) {
                  window[0] = System.nanoTime() + (long) (warmupSeconds * 1e9);
                  window[1] = window[0] + (long) (seconds * 1e9);
                }
              }
            }
            warm.await();
            long measureFrom;
            long end;
            synchronized (window) {
              measureFrom = window[0];
              end = window[1];
            }
            while (true) {
              long t0 = System.nanoTime();
              if (t0 >= end) {
                return null;
              }
              int[][] users0 = new int[batch][];
              long from = next.getAndAdd(batch);
              for (int i = 0; i < batch; i++) {
                users0[i] = histories[(int) ((from + i) % histories.length)];
              }
              search.search(users0, null, topK);
              if (t0 >= measureFrom) {
                users.addAndGet(batch);
              }
            }
          }));
        }
        for (Future<?> f : jobs) {
          try {
            f.get();
          } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
          }
        }
      } finally {
        pool.shutdownNow();
      }
      double measured = (System.nanoTime() - window[0]) / 1e9;
      double perSecond = users.get() > 0 ? users.get() / measured : Double.NaN;
      return new Result(threads, batch, beam, topK, users.get(), measured, perSecond);
    }
  }
}
