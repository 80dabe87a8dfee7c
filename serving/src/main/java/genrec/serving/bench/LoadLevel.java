package genrec.serving.bench;

import java.util.Map;

/**
 * One measured closed-loop level. Throughput and percentiles count the 200s only.
 *
 * @param concurrency client threads sending back to back
 * @param requests requests answered in the measured window (any status)
 * @param ok of which 200s with items
 * @param seconds the measured window (until the last measured response)
 * @param throughput 200s per second
 * @param failures non-200 outcomes by key (the status, {@code 200-no-items}, {@code io-NAME})
 */
public record LoadLevel(int concurrency, long requests, long ok, double seconds, double throughput,
    double p50Ms, double p90Ms, double p99Ms, Map<String, Long> failures) {
  public LoadLevel {
    failures = Map.copyOf(new java.util.TreeMap<>(failures));
  }

  /** Responses that were not a 200 with items. */
  public long non200() {
    return requests - ok;
  }
}
