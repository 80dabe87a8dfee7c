package genrec.serving.cli;

import genrec.core.io.AtomicFiles;
import genrec.generator.data.Dataset;
import genrec.generator.data.LeaveOneOutSplit;
import genrec.serving.bench.BenchStats;
import genrec.serving.bench.HttpLoad;
import genrec.serving.bench.InProcessLoad;
import genrec.serving.bench.LoadLevel;
import genrec.serving.bench.SoakResult;
import genrec.serving.http.RecommendRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code genrec bench http}: load against a running {@code genrec serve}. Closed loop by default
 * (C clients back to back, per concurrency level); open loop with {@code --rate} (a fixed
 * schedule, for soaks: latency from the scheduled send time, server RSS from /metrics).
 * Histories are the users' test-case histories of the leave-one-out split, last
 * {@code --history} items, as item ids, in a seeded shuffled order. The load itself is library
 * code ({@link HttpLoad}, {@link InProcessLoad}) returning result objects; this class parses the
 * options and prints them.
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
    List<String> bodies = new ArrayList<>(histories.length);
    for (int[] h : histories) {
      List<String> ids = new ArrayList<>(h.length);
      for (int item : h) {
        ids.add(d.catalog().get(item).id());
      }
      bodies.add(RecommendRequest.body(ids, k, beam, pipelineJson));
    }
    HttpLoad load = HttpLoad.builder().setBaseUrl(url).setBodies(bodies)
        .optWarmupSeconds(warmupSeconds).optSeconds(seconds)
        .optRequestTimeoutSeconds(requestTimeout).build();
    String base = load.baseUrl();
    System.out.printf(Locale.ROOT, "%s: %,d histories (last %d items, seed %d), k %d, beam %d%s; "
        + "%s%n", d.name(), bodies.size(), history, seed, k, beam,
        pipelineJson == null ? "" : ", pipeline " + pipelineJson.strip(), base);
    String notReady = load.waitReady(Duration.ofMillis((long) (readyTimeout * 1000)),
        System.out::println);
    if (notReady != null) {
      System.err.printf(Locale.ROOT, "genrec: server at %s not ready after %.0f s (GET /ready: %s); "
          + "is 'genrec serve' running there? (--ready-timeout)%n", base, readyTimeout, notReady);
      return 1;
    }
    if (rate != null) {
      return soak(load, d, histories);
    }
    List<LoadLevel> levels = new ArrayList<>();
    System.out.println(levelHeader());
    for (int c : concurrency) {
      LoadLevel level = load.closedLoop(c);
      levels.add(level);
      System.out.println(formatLevel(level));
    }
    double inProcess = runDir != null ? inProcessUsersPerSecond(d, histories) : Double.NaN;
    if (runDir != null) {
      for (LoadLevel l : levels) {
        System.out.printf(Locale.ROOT, "concurrency %3d: HTTP %.1f req/s / in-process %.1f users/s "
            + "= %.2f%n", l.concurrency(), l.throughput(), inProcess, l.throughput() / inProcess);
      }
    }
    if (csv != null) {
      StringBuilder out = new StringBuilder("concurrency,requests,ok,seconds,throughput_rps,p50_ms,"
          + "p90_ms,p99_ms,non_200,failures,in_process_users_per_s,http_over_in_process\n");
      for (LoadLevel l : levels) {
        out.append(String.format(Locale.ROOT, "%d,%d,%d,%.3f,%.2f,%.3f,%.3f,%.3f,%d,%s,%.2f,%.4f%n",
            l.concurrency(), l.requests(), l.ok(), l.seconds(), l.throughput(), l.p50Ms(),
            l.p90Ms(), l.p99Ms(), l.non200(), failureText(l.failures()).replace(' ', ';'),
            inProcess, l.throughput() / inProcess));
      }
      AtomicFiles.writeString(csv, out.toString());
      System.out.println("wrote " + csv + " (" + levels.size() + " rows)");
    }
    return verdict(load.hardFailures(levels.stream().map(LoadLevel::failures).toList()), load);
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

  private static int verdict(Map<String, Long> bad, HttpLoad load) {
    if (bad.isEmpty()) {
      return 0;
    }
    System.out.println("FAILED: requests failed other than with 503: " + failureText(bad)
        + (load.firstError() != null ? "; first: " + load.firstError() : ""));
    return 1;
  }

  static String levelHeader() {
    return String.format(Locale.ROOT, "%5s %9s %9s %9s %9s %9s  %s", "conc", "requests", "req/s",
        "p50 ms", "p90 ms", "p99 ms", "non-200");
  }

  static String formatLevel(LoadLevel l) {
    return String.format(Locale.ROOT, "%5d %9d %9.1f %9.2f %9.2f %9.2f  %s", l.concurrency(),
        l.requests(), l.throughput(), l.p50Ms(), l.p90Ms(), l.p99Ms(), failureText(l.failures()));
  }

  private int soak(HttpLoad load, Dataset d, int[][] histories) throws Exception {
    System.out.printf(Locale.ROOT, "soak: %.1f req/s for %.0f s after %.0f s warm-up, %d sender "
        + "threads%n", rate, seconds, warmupSeconds, senders);
    SoakResult s = load.soak(rate, senders, reportEvery, System.out::println);
    System.out.printf(Locale.ROOT, "soak: %d sent, %d after warm-up, achieved %.2f req/s (target "
            + "%.2f), p50 %.2f ms, p99 %.2f ms, 5xx %d, other non-200 %d (%s), max client backlog "
            + "%d%n", s.sent(), s.requests(), s.achievedRate(), s.rate(), s.p50Ms(), s.p99Ms(),
        s.fivexx(), s.otherNon200(), failureText(s.failures()), s.maxBacklog());
    System.out.printf(Locale.ROOT, "server RSS after warm-up %s, at end %s, end / warm-up %.3f%n",
        HttpLoad.mb(s.rssWarmBytes()), HttpLoad.mb(s.rssEndBytes()), s.rssRatio());
    double inProcess = runDir != null ? inProcessUsersPerSecond(d, histories) : Double.NaN;
    if (csv != null) {
      String out = "rate,seconds,requests,achieved_rps,p50_ms,p99_ms,fivexx,other_non_200,failures,"
          + "rss_warm_bytes,rss_end_bytes,rss_ratio,in_process_users_per_s\n"
          + String.format(Locale.ROOT, "%.2f,%.1f,%d,%.2f,%.3f,%.3f,%d,%d,%s,%.0f,%.0f,%.4f,%.2f%n",
              s.rate(), s.seconds(), s.requests(), s.achievedRate(), s.p50Ms(), s.p99Ms(),
              s.fivexx(), s.otherNon200(), failureText(s.failures()).replace(' ', ';'),
              s.rssWarmBytes(), s.rssEndBytes(), s.rssRatio(), inProcess);
      AtomicFiles.writeString(csv, out);
      System.out.println("wrote " + csv);
    }
    return verdict(load.hardFailures(List.of(s.failures())), load);
  }

  private double inProcessUsersPerSecond(Dataset d, int[][] histories) throws Exception {
    int[][] codes = TrainCommand.itemCodes(d, runDir, data.data);
    int threads = workers != null ? workers : Runtime.getRuntime().availableProcessors();
    InProcessLoad.Result r = InProcessLoad.run(runDir, codes, histories, k, beam, threads,
        inProcessBatch, warmupSeconds, seconds);
    System.out.printf(Locale.ROOT, "in-process: %d threads, batch %d, beam %d, top-%d: %d users in "
        + "%.1f s, %.1f users/s%n", r.threads(), r.batch(), r.beam(), r.topK(), r.users(),
        r.seconds(), r.usersPerSecond());
    return r.usersPerSecond();
  }

  // the shared statistics, under the names the tests use

  static double percentileMs(long[] sortedNanos, double p) {
    return BenchStats.percentileMs(sortedNanos, p);
  }

  static double metricValue(String text, String name) {
    return BenchStats.metricValue(text, name);
  }

  static String failureText(Map<String, Long> failures) {
    return BenchStats.failureText(failures);
  }

  static long retryAfterMs(String header) {
    return BenchStats.retryAfterMs(header);
  }
}
