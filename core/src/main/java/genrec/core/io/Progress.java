package genrec.core.io;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A progress bar for long work, printed to stderr: done/total, rate, ETA and an optional status
 * text (e.g. the current loss). On a terminal it redraws one line; otherwise (CI, logs) it prints
 * a line at most every few seconds. {@link #silent()} prints nothing (tests).
 */
public final class Progress implements AutoCloseable {
  private final String label;
  private final long total;
  private final String unit;
  private final PrintStream out;
  private final boolean tty;
  private final long start = System.nanoTime();
  private final long minIntervalNanos;
  private long lastPrint;
  private long done;
  private long printedDone = -1;
  private Supplier<String> status = () -> "";

  private Progress(String label, long total, String unit, PrintStream out) {
    this.label = label;
    this.total = total;
    this.unit = unit;
    this.out = out;
    this.tty = out != null && System.console() != null;
    this.minIntervalNanos = tty ? 100_000_000L : 5_000_000_000L;
  }

  /** A bar on stderr. */
  public static Progress start(String label, long total, String unit) {
    return new Progress(label, total, unit, System.err);
  }

  /** A bar that prints nothing. */
  public static Progress silent() {
    return new Progress("", 0, "", null);
  }

  /** Sets a status text shown after the rate (computed only when printed). */
  public Progress status(Supplier<String> s) {
    this.status = s;
    return this;
  }

  public synchronized void advance(long n) {
    done += n;
    long now = System.nanoTime();
    if (out != null && (now - lastPrint >= minIntervalNanos || done >= total)) {
      lastPrint = now;
      print(false);
    }
  }

  public synchronized long done() {
    return done;
  }

  /** Items per second so far. */
  public synchronized double rate() {
    double s = (System.nanoTime() - start) / 1e9;
    return s <= 0 ? 0 : done / s;
  }

  public double elapsedSeconds() {
    return (System.nanoTime() - start) / 1e9;
  }

  private void print(boolean last) {
    printedDone = done;
    double secs = elapsedSeconds();
    double rate = secs > 0 ? done / secs : 0;
    StringBuilder sb = new StringBuilder();
    sb.append(label).append(' ');
    if (total > 0) {
      int width = 24;
      int filled = (int) Math.min(width, width * done / total);
      sb.append('[').append("#".repeat(filled)).append(" ".repeat(width - filled)).append("] ");
      sb.append(done).append('/').append(total);
    } else {
      sb.append(done);
    }
    sb.append(String.format(Locale.ROOT, " %s, %.1f %s/s", fmt(secs), rate, unit));
    if (total > 0 && !last && rate > 0 && done < total) {
      sb.append(", ETA ").append(fmt((total - done) / rate));
    }
    String st = status.get();
    if (st != null && !st.isEmpty()) {
      sb.append(", ").append(st);
    }
    if (tty) {
      out.print("\r" + sb + "\u001b[K" + (last ? "\n" : ""));
    } else {
      out.println(sb);
    }
    out.flush();
  }

  private static String fmt(double secs) {
    long s = Math.round(secs);
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  @Override
  public synchronized void close() {
    if (out != null && (printedDone != done || tty)) {
      print(true);
    }
  }
}
