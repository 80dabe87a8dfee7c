package genrec.serving.bench;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/** Latencies of successful requests and failure counts; one per client thread, or shared. */
final class Samples {
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
