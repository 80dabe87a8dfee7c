package genrec.serving.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Load against a running {@code genrec serve}: prepared {@code POST /v1/recommend} bodies sent over
 * one keep-alive HTTP/1.1 client, in order, round and round. {@link #closedLoop} runs C clients
 * back to back ({@link LoadLevel}); {@link #soak} sends on a fixed schedule, with latency counted
 * from the scheduled time and the server's RSS read from {@code /metrics} ({@link SoakResult}).
 * Each run has an unmeasured warm-up; failures during warm-ups are kept ({@link
 * #warmupFailures}), and the first error's text ({@link #firstError}). A 503 makes a closed-loop
 * client back off for its {@code Retry-After}.
 *
 * <pre>{@code
 * HttpLoad load = HttpLoad.builder().setBaseUrl("http://127.0.0.1:8080").setBodies(bodies)
 *     .optWarmupSeconds(5).optSeconds(20).build();
 * LoadLevel level = load.closedLoop(8);
 * }</pre>
 */
public final class HttpLoad {
  /** The Prometheus sample of the server's resident memory. */
  public static final String RSS_METRIC = "process_resident_memory_bytes";

  private final String base;
  private final HttpClient client;
  private final Sender sender;
  private final double warmupSeconds;
  private final double seconds;
  private final double requestTimeoutSeconds;

  private HttpLoad(Builder b) {
    this.base = b.baseUrl.endsWith("/") ? b.baseUrl.substring(0, b.baseUrl.length() - 1)
        : b.baseUrl;
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    this.sender = new Sender(client, URI.create(base + "/v1/recommend"),
        Duration.ofMillis((long) (b.requestTimeoutSeconds * 1000)),
        b.bodies.toArray(String[]::new));
    this.warmupSeconds = b.warmupSeconds;
    this.seconds = b.seconds;
    this.requestTimeoutSeconds = b.requestTimeoutSeconds;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The server's base URL, without a trailing slash. */
  public String baseUrl() {
    return base;
  }

  /** Failures (by key) of requests sent during warm-ups. */
  public Map<String, Long> warmupFailures() {
    return sender.warmupFailures();
  }

  /** The first error seen (status and body, or the I/O error), or null. */
  public String firstError() {
    return sender.firstError();
  }

  /**
   * Waits until {@code GET /ready} answers 200, polling every half second.
   *
   * @param progress told once when the server is not ready at first, and again when it is
   * @return null when ready, else the last answer ({@code status 503}, an I/O error)
   */
  public String waitReady(Duration timeout, Consumer<String> progress)
      throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/ready"))
        .timeout(Duration.ofSeconds(5)).GET().build();
    String last = "no answer";
    boolean said = false;
    while (true) {
      try {
        HttpResponse<Void> r = client.send(req, HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          if (said) {
            progress.accept(String.format(Locale.ROOT, "server ready after %.1f s",
                (System.nanoTime() - start) / 1e9));
          }
          return null;
        }
        last = "status " + r.statusCode();
      } catch (IOException e) {
        last = BenchStats.describe(e);
      }
      if (System.nanoTime() >= deadline) {
        return last;
      }
      if (!said) {
        progress.accept("waiting for " + base + "/ready (" + last + ") ...");
        said = true;
      }
      Thread.sleep(500);
    }
  }

  /** One closed-loop level: {@code clients} threads back to back, warm-up then measured. */
  public LoadLevel closedLoop(int clients) throws InterruptedException {
    if (clients < 1) {
      throw new IllegalArgumentException("clients=" + clients + " must be >= 1");
    }
    long start = System.nanoTime();
    long measureFrom = start + (long) (warmupSeconds * 1e9);
    long end = measureFrom + (long) (seconds * 1e9);
    Samples[] perThread = new Samples[clients];
    Thread[] threads = new Thread[clients];
    AtomicLong next = new AtomicLong();
    long[] lastDone = new long[clients];
    for (int t = 0; t < clients; t++) {
      int slot = t;
      Samples s = new Samples();
      perThread[t] = s;
      threads[t] = new Thread(() -> {
        while (true) {
          long t0 = System.nanoTime();
          if (t0 >= end) {
            return;
          }
          Outcome o = sender.send((int) (next.getAndIncrement() % sender.size()));
          long t1 = System.nanoTime();
          if (t0 >= measureFrom) {
            s.add(t1 - t0, o.key());
          } else if (o.key() != null) {
            sender.warmupFailure(o.key());
          }
          if (t0 >= measureFrom) {
            lastDone[slot] = t1;
          }
          if (o.retryAfterMs() > 0) { // a well-behaved client backs off when the queue is full
            LockSupport.parkNanos(Math.min(o.retryAfterMs() * 1_000_000L, end - t1));
          }
        }
      }, "bench-client-" + t);
      threads[t].setDaemon(true);
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    // the window ends with the last measured response (not with a back-off sleep after it)
    double measured = Math.max(seconds,
        (Arrays.stream(lastDone).max().orElse(end) - measureFrom) / 1e9);
    Samples all = new Samples();
    for (Samples s : perThread) {
      all.addAll(s);
    }
    long[] ok = all.sortedOk();
    return new LoadLevel(clients, all.requests(), ok.length, measured, ok.length / measured,
        BenchStats.percentileMs(ok, 50), BenchStats.percentileMs(ok, 90),
        BenchStats.percentileMs(ok, 99), all.failures());
  }

  /**
   * An open-loop soak: {@code rate} requests per second on a fixed schedule for the warm-up and
   * the measured seconds, sent by {@code senders} threads (so slow answers do not stall the
   * schedule).
   *
   * @param progress told when the warm-up ends (with the server's RSS) and every {@code
   *     reportEverySeconds} after that (requests, latency, backlog, RSS)
   */
  public SoakResult soak(double rate, int senders, double reportEverySeconds,
      Consumer<String> progress) throws InterruptedException {
    if (!(rate > 0) || senders < 1 || !(reportEverySeconds > 0)) {
      throw new IllegalArgumentException("rate=" + rate + ", senders=" + senders
          + ", reportEverySeconds=" + reportEverySeconds + ": each must be positive");
    }
    URI metrics = URI.create(base + "/metrics");
    ThreadPoolExecutor pool = new ThreadPoolExecutor(senders, senders, 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), BenchStats.daemon("bench-sender"));
    ScheduledExecutorService reporter =
        Executors.newSingleThreadScheduledExecutor(BenchStats.daemon("bench-reporter"));
    Samples measured = new Samples();
    AtomicLong lastDone = new AtomicLong();
    AtomicLong maxBacklog = new AtomicLong();
    double[] rssWarm = {Double.NaN};
    long start = System.nanoTime() + 50_000_000L;
    long warmEnd = start + (long) (warmupSeconds * 1e9);
    long end = warmEnd + (long) (seconds * 1e9);
    reporter.schedule(() -> {
      rssWarm[0] = scrapeRss(metrics);
      progress.accept(String.format(Locale.ROOT, "soak warm-up done: server RSS %s",
          mb(rssWarm[0])));
    }, warmEnd - System.nanoTime(), TimeUnit.NANOSECONDS);
    long every = (long) (reportEverySeconds * 1e9);
    reporter.scheduleAtFixedRate(() -> {
      Samples snap = measured.snapshot();
      long[] ok = snap.sortedOk();
      progress.accept(String.format(Locale.ROOT, "soak t=+%.0f s: %d done, p50 %.2f ms, p99 %.2f "
              + "ms, non-200 %s, backlog %d, server RSS %s", (System.nanoTime() - warmEnd) / 1e9,
          snap.requests(), BenchStats.percentileMs(ok, 50), BenchStats.percentileMs(ok, 99),
          BenchStats.failureText(snap.failures()), pool.getQueue().size(),
          mb(scrapeRss(metrics))));
    }, warmEnd + every - System.nanoTime(), every, TimeUnit.NANOSECONDS);
    long sent = 0;
    for (long i = 0; ; i++) {
      long due = start + Math.round(i * 1e9 / rate);
      if (due >= end) {
        break;
      }
      long wait = due - System.nanoTime();
      while (wait > 0) {
        LockSupport.parkNanos(wait);
        wait = due - System.nanoTime();
      }
      int which = (int) (i % sender.size());
      boolean count = due >= warmEnd;
      pool.execute(() -> {
        Outcome o = sender.send(which);
        long done = System.nanoTime();
        if (count) {
          measured.addSynchronized(done - due, o.key());
          lastDone.accumulateAndGet(done, Math::max);
        } else if (o.key() != null) {
          sender.warmupFailure(o.key());
        }
      });
      sent++;
      maxBacklog.accumulateAndGet(pool.getQueue().size(), Math::max);
    }
    pool.shutdown();
    if (!pool.awaitTermination((long) (requestTimeoutSeconds + 10), TimeUnit.SECONDS)) {
      progress.accept("soak: senders still busy " + (requestTimeoutSeconds + 10)
          + " s after the schedule ended");
      pool.shutdownNow();
    }
    reporter.shutdownNow();
    double rssEnd = scrapeRss(metrics);
    Samples all = measured.snapshot();
    long[] ok = all.sortedOk();
    double window = Math.max(seconds, (lastDone.get() - warmEnd) / 1e9);
    long fivexx = all.failures().entrySet().stream().filter(e -> e.getKey().startsWith("5"))
        .mapToLong(Map.Entry::getValue).sum();
    long other = all.requests() - ok.length - fivexx;
    return new SoakResult(rate, sent, all.requests(), window, BenchStats.percentileMs(ok, 50),
        BenchStats.percentileMs(ok, 99), fivexx, other, all.failures(), maxBacklog.get(),
        rssWarm[0], rssEnd);
  }

  /**
   * Failures other than 503 (overload, which a client retries) among {@code measured} and the
   * warm-ups: what makes a run fail.
   */
  public Map<String, Long> hardFailures(List<Map<String, Long>> measured) {
    Map<String, Long> bad = new TreeMap<>();
    measured.forEach(m -> m.forEach((key, n) -> bad.merge(key, n, Long::sum)));
    warmupFailures().forEach((key, n) -> bad.merge(key, n, Long::sum));
    bad.remove("503");
    return bad;
  }

  private double scrapeRss(URI metrics) {
    try {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(metrics)
          .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? BenchStats.metricValue(r.body(), RSS_METRIC) : Double.NaN;
    } catch (IOException e) {
      return Double.NaN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Double.NaN;
    }
  }

  /** Bytes as {@code 12.3 MB}, or {@code n/a} for NaN. */
  public static String mb(double bytes) {
    return Double.isNaN(bytes) ? "n/a" : String.format(Locale.ROOT, "%.1f MB", bytes / (1 << 20));
  }

  /** Settings of a load; {@code set*} required, {@code opt*} optional. */
  public static final class Builder {
    private String baseUrl;
    private List<String> bodies;
    private double warmupSeconds = 5;
    private double seconds = 20;
    private double requestTimeoutSeconds = 30;

    private Builder() {}

    /** The server, e.g. {@code http://127.0.0.1:8080}. */
    public Builder setBaseUrl(String url) {
      this.baseUrl = url;
      return this;
    }

    /** The request bodies, sent in this order round and round ({@code RecommendRequest.body}). */
    public Builder setBodies(List<String> bodies) {
      this.bodies = List.copyOf(bodies);
      return this;
    }

    /** Unmeasured seconds before each level or soak (default 5). */
    public Builder optWarmupSeconds(double s) {
      this.warmupSeconds = s;
      return this;
    }

    /** Measured seconds per level, or of the soak (default 20). */
    public Builder optSeconds(double s) {
      this.seconds = s;
      return this;
    }

    /** Client-side timeout per request (default 30). */
    public Builder optRequestTimeoutSeconds(double s) {
      this.requestTimeoutSeconds = s;
      return this;
    }

    /** @throws IllegalArgumentException naming a missing or bad setting */
    public HttpLoad build() {
      if (baseUrl == null || baseUrl.isBlank()) {
        throw new IllegalArgumentException("baseUrl is required");
      }
      try {
        URI u = URI.create(baseUrl);
        if (u.getScheme() == null || u.getHost() == null) {
          throw new IllegalArgumentException("no scheme or host");
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("baseUrl='" + baseUrl + "' is not a URL like "
            + "http://HOST:PORT");
      }
      if (bodies == null || bodies.isEmpty()) {
        throw new IllegalArgumentException("bodies is required: at least one request body");
      }
      if (!(seconds > 0) || !(warmupSeconds >= 0) || !(requestTimeoutSeconds > 0)) {
        throw new IllegalArgumentException("seconds=" + seconds + " and requestTimeoutSeconds="
            + requestTimeoutSeconds + " must be > 0, warmupSeconds=" + warmupSeconds + " >= 0");
      }
      return new HttpLoad(this);
    }
  }
}
