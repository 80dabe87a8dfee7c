package genrec.serving.cli;

import genrec.core.io.AtomicFiles;
import genrec.generator.data.Dataset;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.generator.decode.BeamSearch;
import genrec.generator.decode.PrefixTrie;
import genrec.generator.train.GeneratorModel;
import genrec.serving.http.ModelFiles;
import genrec.serving.http.RecommendRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code genrec bench http}: load against a running {@code genrec serve}. Closed loop by default
 * (C clients back to back, per concurrency level); open loop with {@code --rate} (a fixed
 * schedule, for soaks: latency from the scheduled send time, server RSS from /metrics).
 * Histories are the users' test-case histories of the leave-one-out split, last
 * {@code --history} items, as item ids, in a seeded shuffled order.
 */
@Command(name = "http", mixinStandardHelpOptions = true,
    description = "Load generator for 'genrec serve' (POST /v1/recommend). Closed loop by default: "
        + "for each --concurrency level, C client threads send back to back over one keep-alive "
        + "HTTP/1.1 client; after --warmup-seconds, --seconds are measured: requests, throughput "
        + "(200s per second), p50/p90/p99 of the 200s, non-200 responses by status. With --rate, "
        + "an open-loop soak instead: a fixed send schedule, latency counted from the scheduled "
        + "time, server RSS (process_resident_memory_bytes from /metrics) after warm-up, every "
        + "--report-every seconds, and at the end. With --run, the same histories through the "
        + "trained generator in this process, for the HTTP / in-process throughput ratio. Exit 1 "
        + "when any request failed other than with 503.")
final class HttpBenchCommand implements Callable<Integer> {
  static final String RSS_METRIC = "process_resident_memory_bytes";

  @Mixin DataCommand.DataOptions data;

  @Option(names = "--url", defaultValue = "http://127.0.0.1:8080",
      description = "Server base URL (default ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--beam", defaultValue = "20", description = "Beam width per request (default ${DEFAULT-VALUE}).")
  int beam;

  @Option(names = "--k", defaultValue = "10", description = "Items per request (default ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--history", defaultValue = "20",
      description = "Last items of each history sent (default ${DEFAULT-VALUE}).")
  int history;

  @Option(names = "--pipeline", paramLabel = "JSON",
      description = "Send this 'pipeline' object with every request (the cascade: recall "
          + "channels, re-rank, rules; docs/api.md), e.g. '{\"rerank\": {\"method\": \"mmr\"}}'; "
          + "'{}' runs the server's configured cascade. Default: none (the generator route).")
  String pipeline;

  @Option(names = "--pipeline-file", paramLabel = "FILE",
      description = "As --pipeline, the JSON object read from FILE.")
  Path pipelineFile;

  @Option(names = "--seed", defaultValue = "42", description = "Shuffle seed of the histories (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--concurrency", split = ",", defaultValue = "1,8,32",
      description = "Closed-loop client threads, one level each (default ${DEFAULT-VALUE}).")
  int[] concurrency;

  @Option(names = "--seconds", defaultValue = "20",
      description = "Measured seconds per level, or of the soak (default ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--warmup-seconds", defaultValue = "5",
      description = "Unmeasured seconds before each level (default ${DEFAULT-VALUE}).")
  double warmupSeconds;

  @Option(names = "--rate", paramLabel = "REQ/S",
      description = "Open-loop soak at this many requests per second instead of the closed-loop levels.")
  Double rate;

  @Option(names = "--senders", defaultValue = "64",
      description = "Soak: sender threads, so slow responses do not stall the schedule (default ${DEFAULT-VALUE}).")
  int senders;

  @Option(names = "--report-every", defaultValue = "60",
      description = "Soak: seconds between progress lines with the server's RSS (default ${DEFAULT-VALUE}).")
  double reportEvery;

  @Option(names = "--request-timeout", defaultValue = "30",
      description = "Client-side timeout per request in seconds (default ${DEFAULT-VALUE}).")
  double requestTimeout;

  @Option(names = "--ready-timeout", defaultValue = "120",
      description = "Seconds to wait for GET /ready to answer 200 (default ${DEFAULT-VALUE}).")
  double readyTimeout;

  @Option(names = "--csv", paramLabel = "FILE", description = "Write the rows to this CSV file (atomically).")
  Path csv;

  @Option(names = "--run", paramLabel = "DIR",
      description = "Run folder with generator/model.bin and quantizer/: also measure in-process "
          + "beam search over the same histories (off by default).")
  Path runDir;

  @Option(names = "--workers", description = "In-process threads (default: all processors).")
  Integer workers;

  @Option(names = "--in-process-batch", defaultValue = "1",
      description = "Users per in-process search call (default ${DEFAULT-VALUE}).")
  int inProcessBatch;

  /** One measured closed-loop level. Throughput and percentiles count the 200s only. */
  record Level(int concurrency, long requests, long ok, double seconds, double throughput,
      double p50Ms, double p90Ms, double p99Ms, Map<String, Long> failures) {
    long non200() {
      return requests - ok;
    }
  }

  @Override
  public Integer call() throws Exception {
    validate();
    String pipelineJson = pipelineJson();
    Dataset d = data.load();
    LeaveOneOutSplit split = LeaveOneOutSplit.of(d);
    List<LeaveOneOutSplit.EvalCase> cases = new ArrayList<>(split.test());
    java.util.Collections.shuffle(cases, new Random(seed));
    if (cases.isEmpty()) {
      throw new IllegalArgumentException(d.name() + " has no user with 3 or more interactions");
    }
    int[][] histories = cases.stream()
        .map(c -> LeaveOneOutSplit.window(c.history(), history)).toArray(int[][]::new);
    String[] bodies = new String[histories.length];
    for (int i = 0; i < histories.length; i++) {
      List<String> ids = new ArrayList<>(histories[i].length);
      for (int item : histories[i]) {
        ids.add(d.catalog().get(item).id());
      }
      bodies[i] = RecommendRequest.body(ids, k, beam, pipelineJson);
    }
    String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    System.out.printf(Locale.ROOT, "%s: %,d histories (last %d items, seed %d), k %d, beam %d%s; %s%n",
        d.name(), bodies.length, history, seed, k, beam,
        pipelineJson == null ? "" : ", pipeline " + pipelineJson.strip(), base);
    if (!waitReady(client, base)) {
      return 1;
    }
    Sender sender = new Sender(client, URI.create(base + "/v1/recommend"),
        Duration.ofMillis((long) (requestTimeout * 1000)), bodies);
    if (rate != null) {
      return soak(sender, client, base, d, histories);
    }
    List<Level> levels = new ArrayList<>();
    System.out.println(levelHeader());
    for (int c : concurrency) {
      Level level = closedLoop(sender, c);
      levels.add(level);
      System.out.println(formatLevel(level));
    }
    double inProcess = runDir != null ? inProcessUsersPerSecond(d, histories) : Double.NaN;
    if (runDir != null) {
      for (Level l : levels) {
        System.out.printf(Locale.ROOT, "concurrency %3d: HTTP %.1f req/s / in-process %.1f users/s = %.2f%n",
            l.concurrency(), l.throughput(), inProcess, l.throughput() / inProcess);
      }
    }
    if (csv != null) {
      StringBuilder out = new StringBuilder("concurrency,requests,ok,seconds,throughput_rps,p50_ms,p90_ms,"
          + "p99_ms,non_200,failures,in_process_users_per_s,http_over_in_process\n");
      for (Level l : levels) {
        out.append(String.format(Locale.ROOT, "%d,%d,%d,%.3f,%.2f,%.3f,%.3f,%.3f,%d,%s,%.2f,%.4f%n",
            l.concurrency(), l.requests(), l.ok(), l.seconds(), l.throughput(), l.p50Ms(), l.p90Ms(),
            l.p99Ms(), l.non200(), failureText(l.failures()).replace(' ', ';'), inProcess,
            l.throughput() / inProcess));
      }
      AtomicFiles.writeString(csv, out.toString());
      System.out.println("wrote " + csv + " (" + levels.size() + " rows)");
    }
    Map<String, Long> bad = new TreeMap<>();
    levels.forEach(l -> l.failures().forEach((key, n) -> {
      if (!key.equals("503")) {
        bad.merge(key, n, Long::sum);
      }
    }));
    sender.warmupFailures().forEach((key, n) -> {
      if (!key.equals("503")) {
        bad.merge(key, n, Long::sum);
      }
    });
    return verdict(bad, sender);
  }

  /** The --pipeline or --pipeline-file JSON, checked to be an object; null for neither. */
  String pipelineJson() {
    if (pipeline != null && pipelineFile != null) {
      throw new IllegalArgumentException("give --pipeline or --pipeline-file, not both");
    }
    String json = pipeline;
    String from = "--pipeline";
    if (pipelineFile != null) {
      from = "--pipeline-file " + pipelineFile;
      try {
        json = java.nio.file.Files.readString(pipelineFile);
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("could not read " + from + ": " + e.getMessage());
      }
    }
    if (json == null) {
      return null;
    }
    try {
      RecommendRequest.body(List.of(), 1, 1, json);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(from + ": " + e.getMessage());
    }
    return json;
  }

  private void validate() {
    if (beam < 1 || k < 1 || history < 1 || seconds <= 0 || warmupSeconds < 0 || senders < 1
        || requestTimeout <= 0 || readyTimeout < 0 || inProcessBatch < 1 || reportEvery <= 0) {
      throw new IllegalArgumentException("--beam, --k, --history, --seconds, --senders, --request-timeout, "
          + "--report-every and --in-process-batch must be positive; --warmup-seconds and --ready-timeout >= 0");
    }
    if (rate == null && (concurrency.length == 0 || Arrays.stream(concurrency).anyMatch(c -> c < 1))) {
      throw new IllegalArgumentException("--concurrency=" + Arrays.toString(concurrency) + " must be positive");
    }
    if (rate != null && !(rate > 0)) {
      throw new IllegalArgumentException("--rate=" + rate + " must be positive");
    }
    if (workers != null && workers < 1) {
      throw new IllegalArgumentException("--workers=" + workers + " must be >= 1");
    }
  }

  private static int verdict(Map<String, Long> bad, Sender sender) {
    if (bad.isEmpty()) {
      return 0;
    }
    System.out.println("FAILED: requests failed other than with 503: " + failureText(bad)
        + (sender.firstError() != null ? "; first: " + sender.firstError() : ""));
    return 1;
  }

  // ---------------------------------------------------------------------------------- readiness

  private boolean waitReady(HttpClient client, String base) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + (long) (readyTimeout * 1e9);
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/ready")).timeout(Duration.ofSeconds(5))
        .GET().build();
    String last = "no answer";
    boolean said = false;
    while (true) {
      try {
        HttpResponse<Void> r = client.send(req, HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          if (said) {
            System.out.printf(Locale.ROOT, "server ready after %.1f s%n", (System.nanoTime() - start) / 1e9);
          }
          return true;
        }
        last = "status " + r.statusCode();
      } catch (IOException e) {
        last = describe(e);
      }
      if (System.nanoTime() >= deadline) {
        System.err.printf(Locale.ROOT, "genrec: server at %s not ready after %.0f s (GET /ready: %s); "
            + "is 'genrec serve' running there? (--ready-timeout)%n", base, readyTimeout, last);
        return false;
      }
      if (!said) {
        System.out.println("waiting for " + base + "/ready (" + last + ") ...");
        said = true;
      }
      Thread.sleep(500);
    }
  }

  // -------------------------------------------------------------------------------- closed loop

  private Level closedLoop(Sender sender, int clients) throws InterruptedException {
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
    double measured = Math.max(seconds, (Arrays.stream(lastDone).max().orElse(end) - measureFrom) / 1e9);
    Samples all = new Samples();
    for (Samples s : perThread) {
      all.addAll(s);
    }
    long[] ok = all.sortedOk();
    return new Level(clients, all.requests(), ok.length, measured, ok.length / measured,
        percentileMs(ok, 50), percentileMs(ok, 90), percentileMs(ok, 99), all.failures());
  }

  static String levelHeader() {
    return String.format(Locale.ROOT, "%5s %9s %9s %9s %9s %9s  %s", "conc", "requests", "req/s",
        "p50 ms", "p90 ms", "p99 ms", "non-200");
  }

  static String formatLevel(Level l) {
    return String.format(Locale.ROOT, "%5d %9d %9.1f %9.2f %9.2f %9.2f  %s", l.concurrency(), l.requests(),
        l.throughput(), l.p50Ms(), l.p90Ms(), l.p99Ms(), failureText(l.failures()));
  }

  // ---------------------------------------------------------------------------------- open loop

  private int soak(Sender sender, HttpClient client, String base, Dataset d, int[][] histories) throws Exception {
    URI metrics = URI.create(base + "/metrics");
    ThreadPoolExecutor pool = new ThreadPoolExecutor(senders, senders, 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), daemon("bench-sender"));
    ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(daemon("bench-reporter"));
    Samples measured = new Samples();
    AtomicLong lastDone = new AtomicLong();
    AtomicLong maxBacklog = new AtomicLong();
    double[] rssWarm = {Double.NaN};
    long start = System.nanoTime() + 50_000_000L;
    long warmEnd = start + (long) (warmupSeconds * 1e9);
    long end = warmEnd + (long) (seconds * 1e9);
    System.out.printf(Locale.ROOT, "soak: %.1f req/s for %.0f s after %.0f s warm-up, %d sender threads%n",
        rate, seconds, warmupSeconds, senders);
    reporter.schedule(() -> {
      rssWarm[0] = scrapeRss(client, metrics);
      System.out.printf(Locale.ROOT, "soak warm-up done: server RSS %s%n", mb(rssWarm[0]));
    }, warmEnd - System.nanoTime(), TimeUnit.NANOSECONDS);
    long every = (long) (reportEvery * 1e9);
    reporter.scheduleAtFixedRate(() -> {
      Samples snap = measured.snapshot();
      long[] ok = snap.sortedOk();
      System.out.printf(Locale.ROOT, "soak t=+%.0f s: %d done, p50 %.2f ms, p99 %.2f ms, non-200 %s, "
              + "backlog %d, server RSS %s%n", (System.nanoTime() - warmEnd) / 1e9, snap.requests(),
          percentileMs(ok, 50), percentileMs(ok, 99), failureText(snap.failures()),
          pool.getQueue().size(), mb(scrapeRss(client, metrics)));
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
    if (!pool.awaitTermination((long) (requestTimeout + 10), TimeUnit.SECONDS)) {
      System.out.println("soak: senders still busy " + (requestTimeout + 10) + " s after the schedule ended");
      pool.shutdownNow();
    }
    reporter.shutdownNow();
    double rssEnd = scrapeRss(client, metrics);
    Samples all = measured.snapshot();
    long[] ok = all.sortedOk();
    double window = Math.max(seconds, (lastDone.get() - warmEnd) / 1e9);
    long fivexx = all.failures().entrySet().stream().filter(e -> e.getKey().startsWith("5"))
        .mapToLong(Map.Entry::getValue).sum();
    long other = all.requests() - ok.length - fivexx;
    double ratio = rssEnd / rssWarm[0];
    System.out.printf(Locale.ROOT, "soak: %d sent, %d after warm-up, achieved %.2f req/s (target %.2f), "
            + "p50 %.2f ms, p99 %.2f ms, 5xx %d, other non-200 %d (%s), max client backlog %d%n",
        sent, all.requests(), all.requests() / window, rate, percentileMs(ok, 50), percentileMs(ok, 99),
        fivexx, other, failureText(all.failures()), maxBacklog.get());
    System.out.printf(Locale.ROOT, "server RSS after warm-up %s, at end %s, end / warm-up %.3f%n",
        mb(rssWarm[0]), mb(rssEnd), ratio);
    double inProcess = runDir != null ? inProcessUsersPerSecond(d, histories) : Double.NaN;
    if (csv != null) {
      String out = "rate,seconds,requests,achieved_rps,p50_ms,p99_ms,fivexx,other_non_200,failures,"
          + "rss_warm_bytes,rss_end_bytes,rss_ratio,in_process_users_per_s\n"
          + String.format(Locale.ROOT, "%.2f,%.1f,%d,%.2f,%.3f,%.3f,%d,%d,%s,%.0f,%.0f,%.4f,%.2f%n", rate,
              window, all.requests(), all.requests() / window, percentileMs(ok, 50), percentileMs(ok, 99),
              fivexx, other, failureText(all.failures()).replace(' ', ';'), rssWarm[0], rssEnd, ratio,
              inProcess);
      AtomicFiles.writeString(csv, out);
      System.out.println("wrote " + csv);
    }
    Map<String, Long> bad = new TreeMap<>(all.failures());
    sender.warmupFailures().forEach((key, n) -> bad.merge(key, n, Long::sum));
    bad.remove("503");
    return verdict(bad, sender);
  }

  private static double scrapeRss(HttpClient client, URI metrics) {
    try {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10))
          .GET().build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? metricValue(r.body(), RSS_METRIC) : Double.NaN;
    } catch (IOException e) {
      return Double.NaN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Double.NaN;
    }
  }

  private static String mb(double bytes) {
    return Double.isNaN(bytes) ? "n/a" : String.format(Locale.ROOT, "%.1f MB", bytes / (1 << 20));
  }

  // ------------------------------------------------------------------------------- in-process

  private double inProcessUsersPerSecond(Dataset d, int[][] histories) throws Exception {
    int[][] codes = TrainCommand.itemCodes(d, runDir, data.data);
    int threads = workers != null ? workers : Runtime.getRuntime().availableProcessors();
    try (GeneratorModel model = ModelFiles.loadGenerator(runDir, codes)) {
      PrefixTrie trie = PrefixTrie.of(codes, model.config().codebookSize());
      BeamSearch search = model.beamSearch(trie).optBeamWidth(beam).optExcludeHistory(true).build();
      int topK = Math.min(k, codes.length);
      // the clock starts once every thread has finished one (slow, first) call
      java.util.concurrent.CountDownLatch warm = new java.util.concurrent.CountDownLatch(threads);
      long[] window = new long[2]; // measure from, end; written before warm.await() returns
      AtomicLong next = new AtomicLong();
      AtomicLong users = new AtomicLong();
      ExecutorService pool = Executors.newFixedThreadPool(threads, daemon("bench-in-process"));
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
              int[][] batch = new int[inProcessBatch][];
              long from = next.getAndAdd(inProcessBatch);
              for (int i = 0; i < inProcessBatch; i++) {
                batch[i] = histories[(int) ((from + i) % histories.length)];
              }
              search.search(batch, null, topK);
              if (t0 >= measureFrom) {
                users.addAndGet(inProcessBatch);
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
      System.out.printf(Locale.ROOT, "in-process: %d threads, batch %d, beam %d, top-%d: %d users in %.1f s, "
          + "%.1f users/s%n", threads, inProcessBatch, beam, topK, users.get(), measured, perSecond);
      return perSecond;
    }
  }

  // ---------------------------------------------------------------------------------- helpers

  /**
   * Nearest-rank percentile of sorted nanosecond latencies, in milliseconds; NaN when empty.
   *
   * @param p percentile in (0, 100]
   */
  static double percentileMs(long[] sortedNanos, double p) {
    if (sortedNanos.length == 0) {
      return Double.NaN;
    }
    int idx = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
    return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, idx))] / 1e6;
  }

  /**
   * The value of an unlabelled or labelled sample {@code name} in Prometheus text format (the first
   * one when there are several); NaN when absent or unparseable.
   */
  static double metricValue(String text, String name) {
    for (String line : text.split("\n")) {
      line = line.strip();
      if (line.isEmpty() || line.startsWith("#") || !line.startsWith(name)
          || line.length() == name.length()) {
        continue;
      }
      char after = line.charAt(name.length());
      String rest;
      if (after == '{') {
        int close = line.indexOf('}', name.length());
        if (close < 0) {
          continue;
        }
        rest = line.substring(close + 1).strip();
      } else if (Character.isWhitespace(after)) {
        rest = line.substring(name.length()).strip();
      } else {
        continue; // a longer name with this prefix
      }
      String value = rest.split("\\s+")[0];
      try {
        return switch (value) {
          case "+Inf" -> Double.POSITIVE_INFINITY;
          case "-Inf" -> Double.NEGATIVE_INFINITY;
          default -> Double.parseDouble(value);
        };
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
    return Double.NaN;
  }

  /** Failures as {@code 503:12 io-ConnectException:1}, or {@code none}. */
  static String failureText(Map<String, Long> failures) {
    if (failures.isEmpty()) {
      return "none";
    }
    StringBuilder b = new StringBuilder();
    failures.forEach((key, n) -> b.append(b.length() > 0 ? " " : "").append(key).append(':').append(n));
    return b.toString();
  }

  /** Seconds from a Retry-After header (delta-seconds form), as a back-off in ms capped at 1 s. */
  static long retryAfterMs(String header) {
    if (header == null) {
      return 100;
    }
    try {
      return Math.max(10, Math.min(1000, (long) (Double.parseDouble(header.strip()) * 1000)));
    } catch (NumberFormatException e) {
      return 100;
    }
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m != null && !m.isBlank() ? " (" + m + ")" : "");
  }

  private static java.util.concurrent.ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.getAndIncrement());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * The result of one request.
   *
   * @param key null for a 200 with items, else the failure key: the status code, {@code 200-no-items},
   *     or {@code io-ExceptionName}
   * @param retryAfterMs back-off asked by a 503, else 0
   */
  record Outcome(String key, long retryAfterMs) {}

  /** Sends the prepared bodies; collects warm-up failures and the first error message. */
  static final class Sender {
    private final HttpClient client;
    private final URI uri;
    private final Duration timeout;
    private final String[] bodies;
    private final Map<String, Long> warmupFailures = new TreeMap<>();
    private volatile String firstError;

    Sender(HttpClient client, URI uri, Duration timeout, String[] bodies) {
      this.client = client;
      this.uri = uri;
      this.timeout = timeout;
      this.bodies = bodies;
    }

    int size() {
      return bodies.length;
    }

    Outcome send(int which) {
      HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(bodies[which])).build();
      try {
        HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
        int status = r.statusCode();
        if (status == 200) {
          if (r.body().contains("\"items\"")) {
            return new Outcome(null, 0);
          }
          noteError("200 without \"items\": " + abbreviate(r.body()));
          return new Outcome("200-no-items", 0);
        }
        if (status == 503) {
          return new Outcome("503", retryAfterMs(r.headers().firstValue("Retry-After").orElse(null)));
        }
        noteError("status " + status + ": " + abbreviate(r.body()));
        return new Outcome(Integer.toString(status), 0);
      } catch (IOException e) {
        noteError(describe(e));
        return new Outcome("io-" + e.getClass().getSimpleName(), 0);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Outcome("interrupted", 0);
      }
    }

    private void noteError(String message) {
      if (firstError == null) {
        firstError = message;
      }
    }

    String firstError() {
      return firstError;
    }

    synchronized void warmupFailure(String key) {
      warmupFailures.merge(key, 1L, Long::sum);
    }

    synchronized Map<String, Long> warmupFailures() {
      return new TreeMap<>(warmupFailures);
    }

    private static String abbreviate(String s) {
      String one = s.replaceAll("\\s+", " ").strip();
      return one.length() <= 200 ? one : one.substring(0, 200) + "...";
    }
  }

  /** Latencies of successful requests and failure counts; one per client thread, or shared. */
  static final class Samples {
    private long[] okNanos = new long[1024];
    private int ok;
    private long requests;
    private final Map<String, Long> failures = new TreeMap<>();

    void add(long nanos, String failureKey) {
      requests++;
      if (failureKey != null) {
        failures.merge(failureKey, 1L, Long::sum);
        return;
      }
      if (ok == okNanos.length) {
        okNanos = Arrays.copyOf(okNanos, ok * 2);
      }
      okNanos[ok++] = nanos;
    }

    synchronized void addSynchronized(long nanos, String failureKey) {
      add(nanos, failureKey);
    }

    synchronized Samples snapshot() {
      Samples s = new Samples();
      s.addAll(this);
      return s;
    }

    void addAll(Samples other) {
      if (ok + other.ok > okNanos.length) {
        okNanos = Arrays.copyOf(okNanos, Math.max(okNanos.length * 2, ok + other.ok));
      }
      System.arraycopy(other.okNanos, 0, okNanos, ok, other.ok);
      ok += other.ok;
      requests += other.requests;
      other.failures.forEach((key, n) -> failures.merge(key, n, Long::sum));
    }

    long requests() {
      return requests;
    }

    Map<String, Long> failures() {
      return new TreeMap<>(failures);
    }

    long[] sortedOk() {
      long[] s = Arrays.copyOf(okNanos, ok);
      Arrays.sort(s);
      return s;
    }
  }
}
