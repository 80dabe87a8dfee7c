package genrec.serving.http;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The watch can fail: a task that sleeps on the event loop is caught; a short one is not; a stack
 * in class initialisation is warm-up unless genrec code is above it.
 */
class EventLoopWatchTest {
  @Test
  void aBlockedEventLoopFailsAndAShortTaskDoesNot() throws Exception {
    EventLoopWatch watch = new EventLoopWatch();
    try {
      CompletableFuture<Void> quick = new CompletableFuture<>();
      watch.vertx().runOnContext(v -> quick.complete(null));
      quick.get(10, TimeUnit.SECONDS);
      assertDoesNotThrow(watch::assertNoneBlocked);

      CompletableFuture<Void> slow = new CompletableFuture<>();
      watch.vertx().runOnContext(v -> {
        try {
          Thread.sleep(3 * EventLoopWatch.MAX_BLOCK_MS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        slow.complete(null);
      });
      slow.get(10, TimeUnit.SECONDS);
      AssertionError e = assertThrows(AssertionError.class, watch::assertNoneBlocked);
      assertTrue(e.getMessage().contains("the event loop was blocked"), e.getMessage());
      assertTrue(e.getMessage().contains("vert.x-eventloop-thread"), e.getMessage());
      assertTrue(e.getMessage().contains("Thread.sleep"), e.getMessage()); // where it blocked
    } finally {
      watch.vertx().close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void classInitialisationIsWarmUpUnlessGenrecCodeIsAboveIt() {
    StackTraceElement clinit = new StackTraceElement("io.netty.X", "<clinit>", "X.java", 1);
    StackTraceElement lib = new StackTraceElement("io.vertx.Y", "run", "Y.java", 2);
    StackTraceElement ours = new StackTraceElement("genrec.serving.http.Z", "parse", "Z.java", 3);
    assertTrue(EventLoopWatch.classInitialisation(new StackTraceElement[] {lib, clinit, ours}));
    assertTrue(!EventLoopWatch.classInitialisation(new StackTraceElement[] {ours, clinit, lib}));
    assertTrue(!EventLoopWatch.classInitialisation(new StackTraceElement[] {lib, lib}));
  }
}
