package genrec.serving.bench;

import java.util.Map;

/**
 * An open-loop soak, counted after the warm-up.
 *
 * @param rate the target requests per second
 * @param sent requests sent in all (warm-up included)
 * @param requests requests sent after the warm-up and answered
 * @param seconds the measured window (until the last measured response)
 * @param fivexx 5xx responses
 * @param otherNon200 other non-200 outcomes (4xx, no items, I/O errors)
 * @param failures non-200 outcomes by key
 * @param maxBacklog most requests waiting for a sender thread at once
 * @param rssWarmBytes the server's resident memory after the warm-up (NaN if unknown)
 * @param rssEndBytes and at the end
 */
public record SoakResult(double rate, long sent, long requests, double seconds, double p50Ms,
    double p99Ms, long fivexx, long otherNon200, Map<String, Long> failures, long maxBacklog,
    double rssWarmBytes, double rssEndBytes) {
  public SoakResult {
    failures = Map.copyOf(new java.util.TreeMap<>(failures));
  }

  public double achievedRate() {
    return requests / seconds;
  }

  /** Resident memory at the end over after the warm-up (a leak shows as a ratio above 1). */
  public double rssRatio() {
    return rssEndBytes / rssWarmBytes;
  }
}
