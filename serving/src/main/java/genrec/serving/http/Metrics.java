package genrec.serving.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The service's metrics in Prometheus text format (version 0.0.4): request counts by endpoint and
 * status, latency histograms by endpoint and by stage, batch sizes, gauges (queue depth, requests
 * in flight, items, resident memory). Lock-free on the hot path.
 */
public final class Metrics {
  /** Latency bucket bounds, seconds. */
  static final double[] SECONDS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };
  /** Batch-size bucket bounds. */
  static final double[] BATCH = {1, 2, 4, 8, 16, 32, 64};

  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<String, Histogram> endpointLatency = new ConcurrentHashMap<>();
  private final Map<String, Histogram> stageLatency = new ConcurrentHashMap<>();
  private final Histogram batchSize = new Histogram(BATCH);
  private final Map<String, LongSupplier> gauges = new ConcurrentHashMap<>();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder timeouts = new LongAdder();
  private final AtomicLong reloads = new AtomicLong();

  /** A cumulative histogram with fixed bucket bounds. */
  static final class Histogram {
    private final double[] bounds;
    private final LongAdder[] counts;
    private final LongAdder total = new LongAdder();
    private final java.util.concurrent.atomic.DoubleAdder sum =
        new java.util.concurrent.atomic.DoubleAdder();

    Histogram(double[] bounds) {
      this.bounds = bounds;
      this.counts = new LongAdder[bounds.length];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = new LongAdder();
      }
    }

    void observe(double v) {
      for (int i = 0; i < bounds.length; i++) {
        if (v <= bounds[i]) {
          counts[i].increment();
          break;
        }
      }
      total.increment();
      sum.add(v);
    }

    long count() {
      return total.sum();
    }

    void write(StringBuilder sb, String name, String labels) {
      long cum = 0;
      String sep = labels.isEmpty() ? "" : ",";
      for (int i = 0; i < bounds.length; i++) {
        cum += counts[i].sum();
        sb.append(name).append("_bucket{").append(labels).append(sep).append("le=\"")
            .append(fmt(bounds[i])).append("\"} ").append(cum).append('\n');
      }
      sb.append(name).append("_bucket{").append(labels).append(sep).append("le=\"+Inf\"} ")
          .append(total.sum()).append('\n');
      String l = labels.isEmpty() ? "" : "{" + labels + "}";
      sb.append(name).append("_sum").append(l).append(' ').append(fmt(sum.sum())).append('\n');
      sb.append(name).append("_count").append(l).append(' ').append(total.sum()).append('\n');
    }
  }

  /** One finished HTTP request. */
  public void request(String endpoint, int status, long nanos) {
    requests.computeIfAbsent(endpoint + '\u0000' + status, k -> new LongAdder()).increment();
    endpointLatency.computeIfAbsent(endpoint, k -> new Histogram(SECONDS)).observe(nanos / 1e9);
  }

  /** Time spent in one stage of a request (parse, queue, generate, respond). */
  public void stage(String stage, long nanos) {
    stageLatency.computeIfAbsent(stage, k -> new Histogram(SECONDS)).observe(nanos / 1e9);
  }

  /** Users decoded together in one beam-search call. */
  public void batch(int users) {
    batchSize.observe(users);
  }

  /** A request refused because the queue was full (503). */
  public void rejected() {
    rejected.increment();
  }

  /** A request that hit the per-request timeout (504). */
  public void timeout() {
    timeouts.increment();
  }

  public void reloaded() {
    reloads.incrementAndGet();
  }

  /** Registers a gauge read at scrape time, e.g. the queue depth. */
  public void gauge(String name, LongSupplier value) {
    gauges.put(name, value);
  }

  /** Requests counted so far with this endpoint and status (tests). */
  public long count(String endpoint, int status) {
    LongAdder a = requests.get(endpoint + '\u0000' + status);
    return a == null ? 0 : a.sum();
  }

  /** The Prometheus text exposition. */
  public String render() {
    StringBuilder sb = new StringBuilder(4096);
    sb.append("# HELP genrec_http_requests_total HTTP requests by endpoint and status.\n");
    sb.append("# TYPE genrec_http_requests_total counter\n");
    for (Map.Entry<String, LongAdder> e : new TreeMap<>(requests).entrySet()) {
      String[] k = e.getKey().split("\u0000");
      sb.append("genrec_http_requests_total{endpoint=\"").append(k[0]).append("\",status=\"")
          .append(k[1]).append("\"} ").append(e.getValue().sum()).append('\n');
    }
    sb.append("# HELP genrec_http_request_duration_seconds Request latency by endpoint.\n");
    sb.append("# TYPE genrec_http_request_duration_seconds histogram\n");
    for (Map.Entry<String, Histogram> e : new TreeMap<>(endpointLatency).entrySet()) {
      e.getValue().write(sb, "genrec_http_request_duration_seconds",
          "endpoint=\"" + e.getKey() + "\"");
    }
    sb.append("# HELP genrec_stage_duration_seconds Recommend latency by stage.\n");
    sb.append("# TYPE genrec_stage_duration_seconds histogram\n");
    for (Map.Entry<String, Histogram> e : new TreeMap<>(stageLatency).entrySet()) {
      e.getValue().write(sb, "genrec_stage_duration_seconds", "stage=\"" + e.getKey() + "\"");
    }
    sb.append("# HELP genrec_batch_users Users per beam-search call (micro-batching).\n");
    sb.append("# TYPE genrec_batch_users histogram\n");
    batchSize.write(sb, "genrec_batch_users", "");
    counter(sb, "genrec_rejected_total", "Requests refused with 503 (queue full).",
        rejected.sum());
    counter(sb, "genrec_timeouts_total", "Requests answered 504 (timeout).", timeouts.sum());
    counter(sb, "genrec_model_reloads_total", "Successful model reloads.", reloads.get());
    for (Map.Entry<String, LongSupplier> e : new TreeMap<>(gauges).entrySet()) {
      sb.append("# TYPE ").append(e.getKey()).append(" gauge\n");
      sb.append(e.getKey()).append(' ').append(e.getValue().getAsLong()).append('\n');
    }
    sb.append("# HELP process_resident_memory_bytes Resident memory size in bytes.\n");
    sb.append("# TYPE process_resident_memory_bytes gauge\n");
    sb.append("process_resident_memory_bytes ").append(residentBytes()).append('\n');
    Runtime rt = Runtime.getRuntime();
    sb.append("# TYPE jvm_heap_used_bytes gauge\n");
    sb.append("jvm_heap_used_bytes ").append(rt.totalMemory() - rt.freeMemory()).append('\n');
    return sb.toString();
  }

  private static void counter(StringBuilder sb, String name, String help, long v) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(" counter\n");
    sb.append(name).append(' ').append(v).append('\n');
  }

  /** VmRSS from /proc/self/status, or -1 where there is no procfs. */
  static long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          String[] p = line.substring(6).trim().split("\\s+");
          return Long.parseLong(p[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }

  private static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%s", v);
  }
}
