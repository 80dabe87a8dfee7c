package genrec.serving.http;

import genrec.generator.decode.BeamResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Beam search off the event loop: named worker threads ({@code genrec-inference-N}) take jobs
 * from a bounded queue. A full queue refuses new jobs at once ({@link #submit} returns false; the
 * server answers 503) instead of queueing forever.
 *
 * <p>Micro-batching: a worker that takes a job also takes whatever else is already waiting, up to
 * {@code maxBatch} jobs, and decodes jobs that share a model, beam width and exclusion setting in
 * one batched beam search. It never waits for more work, so a lone request pays no extra
 * latency; batches form only when requests queue up. {@code maxBatch = 1} turns it off.
 *
 * <p>Each worker thread is one predictor: every beam search allocates its own NDArray scope, KV
 * cache and cross-attention memory on the calling thread and frees them at the end of the call.
 */
public final class InferencePool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InferencePool.class);

  /** One user's recommendation request, already validated against {@link #model}. */
  public static final class Job {
    final ServingModel model;
    final int[] history;
    final int topK;
    final int beam;
    final boolean excludeHistory;
    final long enqueuedNanos = System.nanoTime();
    final CompletableFuture<Result> result = new CompletableFuture<>();
    private final AtomicBoolean claimed = new AtomicBoolean();

    /**
     * @param model a retained model; the job does not release it
     * @param history item indices, oldest first, within the history window
     */
    public Job(ServingModel model, int[] history, int topK, int beam, boolean excludeHistory) {
      this.model = model;
      this.history = history;
      this.topK = topK;
      this.beam = beam;
      this.excludeHistory = excludeHistory;
    }

    public CompletableFuture<Result> result() {
      return result;
    }

    /**
     * Gives up on the job (timeout). True if no worker had started it; it will not be decoded.
     */
    public boolean cancel() {
      return claimed.compareAndSet(false, true);
    }

    private boolean start() {
      return claimed.compareAndSet(false, true);
    }
  }

  /**
   * A finished job.
   *
   * @param beam the user's hypotheses (at most top-K)
   * @param queueNanos time from submission until a worker started the batch
   * @param generateNanos time of the batched beam-search call
   * @param batchUsers users decoded in that call
   */
  public record Result(BeamResult beam, long queueNanos, long generateNanos, int batchUsers) {}

  private final BlockingQueue<Job> queue;
  private final int maxBatch;
  private final Metrics metrics;
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicInteger busy = new AtomicInteger();
  private volatile boolean running = true;
  private volatile java.util.concurrent.CountDownLatch gate; // tests: hold workers

  /**
   * @param workers worker threads (one beam search at a time each)
   * @param queueCapacity jobs that may wait; more are refused
   * @param maxBatch jobs decoded together at most (1 = no micro-batching)
   */
  public InferencePool(int workers, int queueCapacity, int maxBatch, Metrics metrics) {
    if (workers < 1 || queueCapacity < 1 || maxBatch < 1) {
      throw new IllegalArgumentException("workers=" + workers + ", queueCapacity="
          + queueCapacity + ", maxBatch=" + maxBatch + ": each must be >= 1");
    }
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.maxBatch = maxBatch;
    this.metrics = metrics;
    for (int i = 0; i < workers; i++) {
      Thread t = new Thread(this::work, "genrec-inference-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /** Queues a job; false when the queue is full or the pool is closing. */
  public boolean submit(Job job) {
    return running && queue.offer(job);
  }

  /**
   * Tests: a worker that has taken a job waits until {@code g} opens before decoding it (and what
   * queued behind it). Null removes the gate.
   */
  void holdWorkers(java.util.concurrent.CountDownLatch g) {
    gate = g;
  }

  /** Jobs waiting for a worker. */
  public int queueDepth() {
    return queue.size();
  }

  /** Workers that have taken a job and are decoding it. */
  public int busyWorkers() {
    return busy.get();
  }

  private void work() {
    List<Job> batch = new ArrayList<>(maxBatch);
    while (running || !queue.isEmpty()) {
      Job first;
      try {
        first = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (first == null) {
        continue;
      }
      busy.incrementAndGet();
      try {
        java.util.concurrent.CountDownLatch g = gate;
        if (g != null) {
          g.await();
        }
        batch.clear();
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        run(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        busy.decrementAndGet();
      }
    }
  }

  /** Decodes the started jobs of {@code batch}, grouped by model, beam width and exclusion. */
  private void run(List<Job> batch) {
    Map<List<Object>, List<Job>> groups = new LinkedHashMap<>();
    for (Job j : batch) {
      if (j.start()) {
        groups.computeIfAbsent(List.of(j.model, j.beam, j.excludeHistory), k -> new ArrayList<>())
            .add(j);
      }
    }
    for (List<Job> g : groups.values()) {
      long start = System.nanoTime();
      Job head = g.get(0);
      int topK = 0;
      int[][] histories = new int[g.size()][];
      for (int i = 0; i < histories.length; i++) {
        histories[i] = g.get(i).history;
        topK = Math.max(topK, g.get(i).topK);
      }
      try {
        List<BeamResult> rs = head.model.recommend(histories, topK, head.beam, head.excludeHistory);
        long gen = System.nanoTime() - start;
        metrics.batch(g.size());
        for (int i = 0; i < g.size(); i++) {
          Job j = g.get(i);
          j.result.complete(new Result(truncate(rs.get(i), j.topK), start - j.enqueuedNanos, gen,
              g.size()));
        }
      } catch (RuntimeException | Error e) {
        LOG.error("beam search failed for a batch of {} users", g.size(), e);
        for (Job j : g) {
          j.result.completeExceptionally(e);
        }
      }
    }
  }

  private static BeamResult truncate(BeamResult r, int k) {
    if (r.size() <= k) {
      return r;
    }
    return new BeamResult(java.util.Arrays.copyOf(r.items(), k),
        java.util.Arrays.copyOf(r.scores(), k), java.util.Arrays.copyOf(r.paths(), k));
  }

  /** Stops taking jobs, finishes the queued ones, and waits up to {@code millis} for workers. */
  public void shutdown(long millis) {
    running = false;
    long deadline = System.currentTimeMillis() + millis;
    for (Thread t : threads) {
      try {
        t.join(Math.max(1, deadline - System.currentTimeMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    shutdown(30_000);
  }
}
