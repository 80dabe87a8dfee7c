package genrec.serving.http;

import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.threadchecker.BlockedThreadEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Vert.x instance whose blocked event loops FAIL the test instead of logging a warning: Vert.x's
 * blocked-thread checker looks every {@value #CHECK_EVERY_MS} ms, and while an event-loop thread
 * has run one task for more than {@value #MAX_BLOCK_MS} ms it reports it here, with the thread's
 * stack at that moment; {@link #assertNoneBlocked} (called when a test's server closes) fails
 * naming the thread, how long and where. Worker threads (beam search, the cascade) may take long.
 *
 * <p>One allowance, for the JVM rather than for the code under test: a blocked stretch during
 * which a report finds the loop initialising or loading a class of a library or of the JDK (the
 * first HTTP connection of the JVM, Netty registering its Flight Recorder events: ~250 ms each
 * on a loaded 2-core machine) is one-time warm-up, not a blocked loop. Code of {@code genrec.*}
 * on the stack above the class initialiser gets no allowance.
 */
final class EventLoopWatch {
  /**
   * Longest an event-loop task may run. The server's loop only parses and writes JSON (well under
   * a millisecond for most bodies); the margin is for a shared, loaded CI machine.
   */
  static final long MAX_BLOCK_MS = 250;
  static final long CHECK_EVERY_MS = 25;

  /** One blocked stretch of one thread: its longest report, and whether it was JVM warm-up. */
  private static final class Episode {
    long lastDurationNanos;
    String report;
    boolean warmUp;
  }

  private final Map<Thread, Episode> current = new HashMap<>();
  private final List<Episode> episodes = new ArrayList<>();
  private final Vertx vertx;

  EventLoopWatch() {
    this.vertx = Vertx.vertx(new VertxOptions()
        .setMaxEventLoopExecuteTime(MAX_BLOCK_MS)
        .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
        .setBlockedThreadCheckInterval(CHECK_EVERY_MS)
        .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS));
    ((VertxInternal) vertx).blockedThreadChecker().setThreadBlockedHandler(this::record);
  }

  private void record(BlockedThreadEvent e) {
    Thread t = e.thread();
    if (!t.getName().startsWith("vert.x-eventloop-thread")) {
      return;
    }
    StackTraceElement[] stack = t.getStackTrace();
    synchronized (episodes) {
      Episode ep = current.get(t);
      if (ep == null || e.duration() < ep.lastDurationNanos) { // a new blocked stretch
        ep = new Episode();
        current.put(t, ep);
        episodes.add(ep);
      }
      ep.lastDurationNanos = e.duration();
      ep.warmUp |= classInitialisation(stack);
      StringBuilder at = new StringBuilder();
      for (int i = 0; i < Math.min(25, stack.length); i++) {
        at.append("\n    at ").append(stack[i]);
      }
      ep.report = t.getName() + " blocked for " + e.duration() / 1_000_000 + " ms" + at;
    }
  }

  /**
   * Whether the nearest frame to the top that is either genrec code or class initialisation /
   * loading is the latter.
   */
  static boolean classInitialisation(StackTraceElement[] stack) {
    for (StackTraceElement f : stack) {
      String c = f.getClassName();
      if (c.startsWith("genrec.")) {
        return false;
      }
      if (f.getMethodName().equals("<clinit>") || c.equals("java.lang.ClassLoader")
          || c.startsWith("jdk.internal.loader.") || (c.equals("java.lang.Class")
              && f.getMethodName().startsWith("forName"))) {
        return true;
      }
    }
    return false;
  }

  Vertx vertx() {
    return vertx;
  }

  /** Fails if an event loop was blocked since the watch started (warm-up aside). */
  void assertNoneBlocked() {
    synchronized (episodes) {
      List<String> blocked = episodes.stream().filter(ep -> !ep.warmUp).map(ep -> ep.report)
          .toList();
      if (!blocked.isEmpty()) {
        fail("the event loop was blocked (limit " + MAX_BLOCK_MS + " ms): " + blocked.get(0)
            + (blocked.size() > 1 ? "\n(and " + (blocked.size() - 1) + " more)" : ""));
      }
    }
  }
}
