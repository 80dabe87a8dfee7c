package genrec.serving.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The load generator as an object, against a stand-in server that counts what it answers: the
 * {@link LoadLevel} and {@link SoakResult} counts equal the server's, failures are keyed by
 * status, and only non-503 failures are hard.
 */
class HttpLoadTest {
  private HttpServer server;
  private ExecutorService executor;
  private final AtomicInteger served = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final List<String> bodies = new ArrayList<>();

  /** Every {@code failEvery}-th request answers {@code failStatus} (0: never). */
  private String start(int failStatus, int failEvery) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    executor = Executors.newFixedThreadPool(8);
    server.setExecutor(executor);
    server.createContext("/ready", ex -> reply(ex, 200, "{\"status\":\"ready\"}"));
    server.createContext("/metrics", ex -> reply(ex, 200,
        "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 104857600\n"));
    server.createContext("/v1/recommend", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      synchronized (bodies) {
        bodies.add(body);
      }
      int n = served.incrementAndGet();
      if (failStatus != 0 && n % failEvery == 1) {
        failed.incrementAndGet();
        ex.getResponseHeaders().add("Retry-After", "0.01");
        reply(ex, failStatus, "{\"error\":\"busy\"}");
      } else {
        reply(ex, 200, "{\"items\":[{\"id\":\"1\",\"sid\":[1,2,3,0]}]}");
      }
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
    }
  }

  @Test
  void aClosedLoopLevelCountsWhatTheServerAnswered() throws Exception {
    String url = start(503, 10);
    HttpLoad load = HttpLoad.builder().setBaseUrl(url).setBodies(List.of("{\"a\":1}", "{\"b\":2}"))
        .optWarmupSeconds(0).optSeconds(0.5).build();
    assertEquals(url.substring(0, url.length() - 1), load.baseUrl());
    assertNull(load.waitReady(Duration.ofSeconds(5), s -> { }));
    LoadLevel level = load.closedLoop(3);
    // with no warm-up every answered request is measured: the counts are the server's
    assertEquals(served.get(), level.requests());
    assertEquals(failed.get(), level.non200());
    assertEquals(Map.of("503", (long) failed.get()), level.failures());
    assertTrue(failed.get() >= 1, "the first request is a 503");
    assertEquals(level.ok() / level.seconds(), level.throughput(), 1e-9);
    assertTrue(level.p50Ms() <= level.p90Ms() && level.p90Ms() <= level.p99Ms());
    assertTrue(load.hardFailures(List.of(level.failures())).isEmpty(), "503s are not hard");
    synchronized (bodies) { // the bodies go round in order
      assertTrue(bodies.contains("{\"a\":1}") && bodies.contains("{\"b\":2}"));
    }
  }

  @Test
  void otherFailuresAreHardAndNamed() throws Exception {
    String url = start(504, 2);
    HttpLoad load = HttpLoad.builder().setBaseUrl(url).setBodies(List.of("{}"))
        .optWarmupSeconds(0).optSeconds(0.3).build();
    LoadLevel level = load.closedLoop(1);
    Map<String, Long> hard = load.hardFailures(List.of(level.failures()));
    assertEquals(Map.of("504", (long) failed.get()), hard);
    assertNotNull(load.firstError());
    assertTrue(load.firstError().startsWith("status 504"), load.firstError());
  }

  @Test
  void aSoakSendsOnScheduleAndReadsTheServersMemory() throws Exception {
    String url = start(0, 0);
    HttpLoad load = HttpLoad.builder().setBaseUrl(url).setBodies(List.of("{}"))
        .optWarmupSeconds(0.25).optSeconds(1).build();
    List<String> progress = new ArrayList<>();
    SoakResult s = load.soak(40, 4, 0.5, line -> {
      synchronized (progress) {
        progress.add(line);
      }
    });
    assertEquals(served.get(), s.sent()); // every scheduled request reached the server
    assertTrue(s.sent() >= 48 && s.sent() <= 51, "sent " + s.sent()); // 1.25 s at 40/s
    assertTrue(s.requests() >= 38 && s.requests() <= 41, "measured " + s.requests());
    assertEquals(0, s.fivexx() + s.otherNon200());
    assertEquals(100.0 * (1 << 20), s.rssWarmBytes(), 0);
    assertEquals(1.0, s.rssRatio(), 0);
    synchronized (progress) {
      assertTrue(progress.contains("soak warm-up done: server RSS 100.0 MB"), progress.toString());
    }
  }

  @Test
  void notReadyIsReportedAndBadSettingsAreNamed() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    HttpLoad load = HttpLoad.builder().setBaseUrl("http://127.0.0.1:" + port)
        .setBodies(List.of("{}")).build();
    List<String> said = new ArrayList<>();
    String last = load.waitReady(Duration.ofMillis(600), said::add);
    assertNotNull(last);
    assertTrue(last.contains("ConnectException"), last);
    assertTrue(said.get(0).startsWith("waiting for http://127.0.0.1:" + port + "/ready"), said.toString());

    assertTrue(assertThrows(IllegalArgumentException.class, () -> HttpLoad.builder()
        .setBaseUrl("nowhere").setBodies(List.of("{}")).build()).getMessage()
        .contains("baseUrl='nowhere'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> HttpLoad.builder()
        .setBaseUrl("http://h:1").setBodies(List.of()).build()).getMessage()
        .contains("bodies is required"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> HttpLoad.builder()
        .setBaseUrl("http://h:1").setBodies(List.of("{}")).optSeconds(0).build()).getMessage()
        .contains("seconds=0.0"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> load.closedLoop(0))
        .getMessage().contains("clients=0"));
  }
}
