package genrec.serving.bench;

import java.util.Map;

/** The statistics and text formats the load generators share. */
public final class BenchStats {
  private BenchStats() {}

  /**
   * Nearest-rank percentile of sorted nanosecond latencies, in milliseconds; NaN when empty.
   *
   * @param p percentile in (0, 100]
   */
  public static double percentileMs(long[] sortedNanos, double p) {
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
  public static double metricValue(String text, String name) {
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
  public static String failureText(Map<String, Long> failures) {
    if (failures.isEmpty()) {
      return "none";
    }
    StringBuilder b = new StringBuilder();
    failures.forEach((key, n) -> b.append(b.length() > 0 ? " " : "").append(key).append(':')
        .append(n));
    return b.toString();
  }

  /** Seconds from a Retry-After header (delta-seconds form), as a back-off in ms capped at 1 s. */
  public static long retryAfterMs(String header) {
    if (header == null) {
      return 100;
    }
    try {
      return Math.max(10, Math.min(1000, (long) (Double.parseDouble(header.strip()) * 1000)));
    } catch (NumberFormatException e) {
      return 100;
    }
  }

  static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m != null && !m.isBlank() ? " (" + m + ")" : "");
  }

  static java.util.concurrent.ThreadFactory daemon(String prefix) {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.getAndIncrement());
      t.setDaemon(true);
      return t;
    };
  }
}
