package genrec.core.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What happened to bad lines while reading. In strict mode (the default) the first bad line
 * throws a {@link DataFormatException}; in lenient mode the line is skipped and counted by
 * reason, and the first few messages are kept so that nothing is dropped silently.
 */
public final class ReadReport {
  private static final int KEPT_EXAMPLES = 5;

  private final boolean lenient;
  private final Map<String, Long> skippedByReason = new TreeMap<>();
  private final List<String> examples = new ArrayList<>();
  private long skipped;

  private ReadReport(boolean lenient) {
    this.lenient = lenient;
  }

  public static ReadReport strict() {
    return new ReadReport(false);
  }

  public static ReadReport lenient() {
    return new ReadReport(true);
  }

  public static ReadReport of(boolean lenient) {
    return new ReadReport(lenient);
  }

  public boolean isLenient() {
    return lenient;
  }

  /**
   * Reports a bad line: throws in strict mode, counts it in lenient mode.
   *
   * @param reason a short stable category used for counting, e.g. "unknown item"
   */
  public synchronized void bad(Path file, long line, String field, String reason, String detail) {
    DataFormatException e = new DataFormatException(file, line, field, reason + ": " + detail);
    if (!lenient) {
      throw e;
    }
    skipped++;
    skippedByReason.merge(reason, 1L, Long::sum);
    if (examples.size() < KEPT_EXAMPLES) {
      examples.add(e.getMessage());
    }
  }

  public synchronized long skipped() {
    return skipped;
  }

  public synchronized Map<String, Long> skippedByReason() {
    return Collections.unmodifiableMap(new TreeMap<>(skippedByReason));
  }

  public synchronized List<String> examples() {
    return List.copyOf(examples);
  }

  /** One human line: "skipped 3 bad lines (unknown item: 2, non-numeric id: 1)". */
  public synchronized String summary() {
    if (skipped == 0) {
      return "no bad lines";
    }
    StringBuilder sb = new StringBuilder("skipped ").append(skipped).append(" bad line");
    if (skipped != 1) {
      sb.append('s');
    }
    sb.append(" (");
    boolean first = true;
    for (Map.Entry<String, Long> e : skippedByReason.entrySet()) {
      if (!first) {
        sb.append(", ");
      }
      first = false;
      sb.append(e.getKey()).append(": ").append(e.getValue());
    }
    return sb.append(')').toString();
  }
}
